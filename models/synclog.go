package models

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// GapGrace is how long a pull waits for a missing seq of the change log
// that no open transaction holds before passing over it for good.
const GapGrace = 5 * time.Second

// watermarkScan bounds how many change-log rows one pull walks while
// advancing the watermark.
const watermarkScan = 5000

// The change log's seq is an auto-increment assigned when a transaction
// inserts its row, but transactions commit in any order: a reader may see
// seq 11 while seq 10 is still uncommitted, and a rolled-back transaction
// leaves seq 10 missing for ever. A cursor "seq > n" would skip 10.
//
// Pulls therefore only read up to the watermark: the highest seq W such
// that every seq ≤ W is either committed or known abandoned. Advancing it
// walks the committed seqs above W in order; at each run of missing seqs:
//
//   - if a transaction still holds one (on MySQL a READ UNCOMMITTED read
//     sees the uncommitted row), the watermark stops before the run, for
//     as long as that transaction stays open;
//   - otherwise the run is a rolled-back (or just-allocated) seq: its
//     first sighting is recorded in change_gaps, and it is passed over
//     only once that sighting is older than GapGrace.
//
// The watermark is kept in sync_state and only moves up, so that replicas
// share it and each pull walks only what is new.
//
// SQLite has one writer at a time (transactions begin IMMEDIATE), so its
// commits land in seq order, and a rolled-back AUTOINCREMENT value is
// handed out again: it never shows a gap, and its watermark is simply the
// highest committed seq (read without writing, so that a pull never waits
// for a writer). The log expects
// auto_increment_increment = 1 and, on TiDB, AUTO_ID_CACHE 1 (a seq must
// never be handed out below one already committed).

// changeGap is the first sighting of a run of missing seqs, by its first.
type changeGap struct {
	Seq    int64 `gorm:"primaryKey;autoIncrement:false"`
	SeenAt time.Time
}

// TableName names the gap table.
func (changeGap) TableName() string { return "change_gaps" }

// gapRun is a run [From, To] of missing seqs between committed ones.
type gapRun struct{ From, To int64 }

// AdvanceWatermark moves the change log's watermark as far as it safely
// goes and returns it; more is true when the walk stopped at its bound
// with committed changes still above it.
func (db *DB) AdvanceWatermark(ctx context.Context, grace time.Duration) (w int64, more bool, err error) {
	q := db.WithContext(ctx)
	if db.Dialect == "sqlite" {
		err := q.Table("changes").Select("COALESCE(MAX(seq), 0)").Scan(&w).Error
		if err != nil {
			return 0, false, fmt.Errorf("read change log head: %w", err)
		}
		return w, false, nil
	}
	if err := q.Table("sync_state").Where("id = 1").Pluck("watermark", &w).Error; err != nil {
		return 0, false, fmt.Errorf("read watermark: %w", err)
	}
	var seqs []int64
	if err := q.Table("changes").Where("seq > ?", w).Order("seq").Limit(watermarkScan).Pluck("seq", &seqs).Error; err != nil {
		return 0, false, fmt.Errorf("scan change log: %w", err)
	}
	if len(seqs) == 0 {
		return w, false, nil
	}
	runs := missingRuns(w, seqs)
	next := seqs[len(seqs)-1]
	if len(runs) > 0 {
		if next, err = db.passGaps(ctx, w, seqs, runs, grace); err != nil {
			return 0, false, err
		}
	}
	if next > w {
		if err := db.storeWatermark(ctx, next); err != nil {
			return 0, false, err
		}
	}
	return next, next == seqs[len(seqs)-1] && len(seqs) == watermarkScan, nil
}

// missingRuns lists the runs of seqs above w that are absent from the
// sorted committed seqs.
func missingRuns(w int64, seqs []int64) []gapRun {
	var runs []gapRun
	prev := w
	for _, s := range seqs {
		if s > prev+1 {
			runs = append(runs, gapRun{prev + 1, s - 1})
		}
		prev = s
	}
	return runs
}

// passGaps decides how far past the missing runs the watermark may go: to
// just below the first run that an open transaction holds or that was
// first seen less than grace ago. It records every run not seen before.
func (db *DB) passGaps(ctx context.Context, w int64, seqs []int64, runs []gapRun, grace time.Duration) (int64, error) {
	held, err := db.heldSeqs(ctx, runs[0].From-1, runs[len(runs)-1].To)
	if err != nil {
		return 0, err
	}
	firstSeen, err := db.gapSightings(ctx, w)
	if err != nil {
		return 0, err
	}
	now := Now()
	var fresh []changeGap
	stop := int64(-1)
	for _, r := range runs {
		at, known := coveredSince(firstSeen, r)
		if !known && !heldIn(held, r) {
			fresh = append(fresh, changeGap{Seq: r.From, SeenAt: now})
			at = now
		}
		if stop < 0 && (heldIn(held, r) || now.Sub(at) < grace) {
			stop = r.From - 1
		}
	}
	if len(fresh) > 0 {
		err := db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&fresh).Error
		if err != nil {
			return 0, fmt.Errorf("record change gaps: %w", err)
		}
	}
	if stop >= 0 {
		return stop, nil
	}
	return seqs[len(seqs)-1], nil
}

// gapSightings returns when each recorded gap above w was first seen.
func (db *DB) gapSightings(ctx context.Context, w int64) (map[int64]time.Time, error) {
	var seen []changeGap
	if err := db.WithContext(ctx).Where("seq > ?", w).Find(&seen).Error; err != nil {
		return nil, fmt.Errorf("read change gaps: %w", err)
	}
	out := make(map[int64]time.Time, len(seen))
	for _, s := range seen {
		out[s.Seq] = s.SeenAt
	}
	return out, nil
}

// coveredSince returns when the run was first seen: the earliest recorded
// gap that starts inside it. Missing seqs only ever become present, so a
// run seen before either keeps its start or has lost it to a commit, in
// which case it counts as new (and waits the grace period again).
func coveredSince(firstSeen map[int64]time.Time, r gapRun) (time.Time, bool) {
	var best time.Time
	found := false
	for s, at := range firstSeen {
		if s >= r.From && s <= r.To && (!found || at.Before(best)) {
			best, found = at, true
		}
	}
	return best, found
}

// heldSeqs returns the seqs in (w, upto] that are present to a READ
// UNCOMMITTED read: committed, or held by a transaction still open.
func (db *DB) heldSeqs(ctx context.Context, w, upto int64) ([]int64, error) {
	var all []int64
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return tx.Table("changes").Where("seq > ? AND seq <= ?", w, upto).Order("seq").Pluck("seq", &all).Error
	}, &sql.TxOptions{Isolation: sql.LevelReadUncommitted, ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("scan uncommitted change log: %w", err)
	}
	return all, nil
}

// heldIn reports whether a sorted list of seqs seen uncommitted (or just
// committed) has one inside the run.
func heldIn(held []int64, r gapRun) bool {
	i := sort.Search(len(held), func(i int) bool { return held[i] >= r.From })
	return i < len(held) && held[i] <= r.To
}

// storeWatermark raises the stored watermark to w (never lowers it) and
// forgets the gaps below it.
func (db *DB) storeWatermark(ctx context.Context, w int64) error {
	q := db.WithContext(ctx)
	err := q.Table("sync_state").Where("id = 1 AND watermark < ?", w).
		Updates(map[string]any{"watermark": w, "updated_at": Now()}).Error
	if err != nil {
		return fmt.Errorf("store watermark: %w", err)
	}
	if err := q.Exec("DELETE FROM change_gaps WHERE seq <= ?", w).Error; err != nil {
		return fmt.Errorf("forget change gaps: %w", err)
	}
	return nil
}
