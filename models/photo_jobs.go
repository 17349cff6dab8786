package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// PhotoJob is work on one stored content done off the request path.
type PhotoJob struct {
	ID           int64 `gorm:"primaryKey"`
	Kind         string
	SHA256       string `gorm:"column:sha256"`
	Attempts     int
	ClaimedBy    string
	ClaimedUntil *time.Time
	LastError    string
	CreatedAt    time.Time
}

// JobThumbnail makes the thumbnail of a content.
const JobThumbnail = "thumbnail"

// EnqueuePhotoJob adds a job of kind for sha in tx, unless one is pending.
func EnqueuePhotoJob(tx *gorm.DB, kind, sha string) error {
	j := PhotoJob{Kind: kind, SHA256: sha, CreatedAt: Now()}
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&j).Error; err != nil {
		return fmt.Errorf("enqueue %s job: %w", kind, err)
	}
	return nil
}

// ClaimPhotoJob claims the oldest job nobody holds (or whose holder's lease
// ran out) with fewer than maxAttempts attempts, for worker until lease
// has passed. The claim is a conditional UPDATE, so of several replicas
// racing for a job exactly one gets it. It returns nil when there is none.
func (db *DB) ClaimPhotoJob(ctx context.Context, worker string, lease time.Duration, maxAttempts int) (*PhotoJob, error) {
	now := Now()
	var cands []PhotoJob
	err := db.WithContext(ctx).Where("attempts < ? AND (claimed_until IS NULL OR claimed_until < ?)", maxAttempts, now).
		Order("id").Limit(8).Find(&cands).Error
	if err != nil {
		return nil, fmt.Errorf("find photo jobs: %w", err)
	}
	until := now.Add(lease)
	for _, j := range cands {
		var res *gorm.DB
		err := db.Again(ctx, func() error {
			res = db.WithContext(ctx).Model(&PhotoJob{}).
				Where("id = ? AND (claimed_until IS NULL OR claimed_until < ?)", j.ID, now).
				Updates(map[string]any{"claimed_by": worker, "claimed_until": until, "attempts": gorm.Expr("attempts + 1")})
			return res.Error
		})
		if err != nil {
			return nil, fmt.Errorf("claim photo job: %w", err)
		}
		if res.RowsAffected == 1 {
			j.ClaimedBy, j.ClaimedUntil, j.Attempts = worker, &until, j.Attempts+1
			return &j, nil
		}
	}
	return nil, nil
}

// FinishPhotoJob removes a job its worker has done.
func (db *DB) FinishPhotoJob(ctx context.Context, j *PhotoJob) error {
	err := db.Again(ctx, func() error {
		return db.WithContext(ctx).Where("id = ? AND claimed_by = ?", j.ID, j.ClaimedBy).Delete(&PhotoJob{}).Error
	})
	if err != nil {
		return fmt.Errorf("finish photo job: %w", err)
	}
	return nil
}

// FailPhotoJob records why a job failed and leaves it to be claimed again
// after retry.
func (db *DB) FailPhotoJob(ctx context.Context, j *PhotoJob, cause error, retry time.Duration) error {
	msg := cause.Error()
	if len(msg) > 255 {
		msg = msg[:255]
	}
	err := db.Again(ctx, func() error {
		return db.WithContext(ctx).Model(&PhotoJob{}).Where("id = ? AND claimed_by = ?", j.ID, j.ClaimedBy).
			Updates(map[string]any{"last_error": msg, "claimed_until": Now().Add(retry)}).Error
	})
	if err != nil {
		return fmt.Errorf("fail photo job: %w", err)
	}
	return nil
}

// MarkThumbnail records that the content sha has its thumbnail stored.
func (db *DB) MarkThumbnail(ctx context.Context, sha string) error {
	err := db.Again(ctx, func() error {
		return db.WithContext(ctx).Model(&PhotoBlob{}).Where("sha256 = ?", sha).Update("has_thumbnail", true).Error
	})
	if err != nil {
		return fmt.Errorf("mark thumbnail: %w", err)
	}
	return nil
}

// TryLockUpload takes the lease on a resumable upload for holder until
// lease has passed, unless someone else holds it; it reports whether it
// did. Taking a lease it already holds renews it.
func (db *DB) TryLockUpload(ctx context.Context, id, holder string, lease time.Duration) (bool, error) {
	now := Now()
	insert := "INSERT OR IGNORE INTO upload_locks (id, holder) VALUES (?, '')"
	if db.Dialect == "mysql" {
		insert = "INSERT IGNORE INTO upload_locks (id, holder) VALUES (?, '')"
	}
	if err := db.Again(ctx, func() error { return db.WithContext(ctx).Exec(insert, id).Error }); err != nil {
		return false, fmt.Errorf("upload lock row: %w", err)
	}
	var n int64
	err := db.Again(ctx, func() error {
		res := db.WithContext(ctx).Table("upload_locks").
			Where("id = ? AND (holder = '' OR holder = ? OR held_until < ?)", id, holder, now).
			Updates(map[string]any{"holder": holder, "held_until": now.Add(lease)})
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return false, fmt.Errorf("take upload lock: %w", err)
	}
	return n == 1, nil
}

// UnlockUpload gives up holder's lease on an upload.
func (db *DB) UnlockUpload(ctx context.Context, id, holder string) error {
	err := db.Again(ctx, func() error {
		return db.WithContext(ctx).Exec("DELETE FROM upload_locks WHERE id = ? AND holder = ?", id, holder).Error
	})
	if err != nil {
		return fmt.Errorf("release upload lock: %w", err)
	}
	return nil
}
