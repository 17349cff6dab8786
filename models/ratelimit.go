package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Window is the state of one fixed-window counter after a hit.
type Window struct {
	Bucket string
	Hits   int
	Start  time.Time
	// Ends is when the window closes and the counter starts again.
	Ends time.Time
}

// hitSQL counts a hit in one statement: a new bucket starts at 1; a bucket
// whose window has passed restarts at 1; else hits goes up by one. The
// hits assignment comes first because MySQL evaluates assignments left to
// right with the values already assigned.
var hitSQL = map[string]string{
	"sqlite": `INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1)
ON CONFLICT (bucket) DO UPDATE SET
  hits = CASE WHEN rate_limits.window_start <= ? THEN 1 ELSE rate_limits.hits + 1 END,
  window_start = CASE WHEN rate_limits.window_start <= ? THEN ? ELSE rate_limits.window_start END`,
	"mysql": `INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1)
ON DUPLICATE KEY UPDATE
  hits = IF(window_start <= ?, 1, hits + 1),
  window_start = IF(window_start <= ?, ?, window_start)`,
}

// Hit counts one hit on bucket in a fixed window of length window and
// returns the counter after it. The counter lives in the database, so
// every replica shares it.
func (db *DB) Hit(ctx context.Context, bucket string, window time.Duration) (Window, error) {
	now := Now()
	cutoff := now.Add(-window)
	w := Window{Bucket: bucket}
	err := db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec(hitSQL[db.Dialect], bucket, now, cutoff, cutoff, now).Error; err != nil {
			return fmt.Errorf("count hit on %s: %w", bucket, err)
		}
		var row struct {
			Hits        int
			WindowStart time.Time
		}
		if err := tx.Table("rate_limits").Select("hits, window_start").Where("bucket = ?", bucket).Take(&row).Error; err != nil {
			return fmt.Errorf("read hits of %s: %w", bucket, err)
		}
		w.Hits, w.Start = row.Hits, row.WindowStart.UTC()
		return nil
	})
	w.Ends = w.Start.Add(window)
	return w, err
}

// Unhit takes back one hit of the window w was read from (nothing when
// that window has passed since).
func (db *DB) Unhit(ctx context.Context, w Window) error {
	err := db.Again(ctx, func() error {
		return db.WithContext(ctx).Exec("UPDATE rate_limits SET hits = hits - 1 WHERE bucket = ? AND window_start = ? AND hits > 0",
			w.Bucket, w.Start).Error
	})
	if err != nil {
		return fmt.Errorf("take back hit on %s: %w", w.Bucket, err)
	}
	return nil
}

// ClearHits forgets bucket's counter.
func (db *DB) ClearHits(ctx context.Context, bucket string) error {
	err := db.Again(ctx, func() error {
		return db.WithContext(ctx).Exec("DELETE FROM rate_limits WHERE bucket = ?", bucket).Error
	})
	if err != nil {
		return fmt.Errorf("clear hits of %s: %w", bucket, err)
	}
	return nil
}

// PurgeHits deletes counters whose window ended before now-window, so that
// the table does not grow with every IP ever seen.
func (db *DB) PurgeHits(ctx context.Context, window time.Duration) (int64, error) {
	var n int64
	err := db.Again(ctx, func() error {
		res := db.WithContext(ctx).Exec("DELETE FROM rate_limits WHERE window_start < ?", Now().Add(-2*window))
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return 0, fmt.Errorf("purge rate limits: %w", err)
	}
	return n, nil
}
