package models

import (
	"context"
	"fmt"
	"time"
)

// FieldActivity is when a commissioner last worked under a region: its
// latest visit and training dates (YYYY-MM-DD in Asia/Shanghai), when its
// phone last delivered a visit, and how many of its visits in a period
// carry an evidence flag.
type FieldActivity struct {
	LastVisit     string
	LastTraining  string
	LastSync      time.Time
	FlaggedVisits int64
}

// LastWorked is the later of the latest visit and training dates, "" when
// there is neither.
func (a FieldActivity) LastWorked() string { return max(a.LastVisit, a.LastTraining) }

// FieldActivityIn returns, by commissioner id, the latest field work of
// every commissioner with a live visit or training under region, with the
// flagged visits of period p.
func (db *DB) FieldActivityIn(ctx context.Context, region string, p Period) (map[string]*FieldActivity, error) {
	lo, hi := PrefixRange(region)
	var visits []struct {
		CommissionerID string
		LastVisit      string
		LastSync       string
		Flagged        int64
	}
	// Grouped by village and commissioner, the order of
	// idx_visits_activity, which holds every column read (flagged is
	// generated from flags): the database reads that index alone, in
	// order, and the commissioners' rows are added up here. Grouped by
	// commissioner alone, MySQL walked the commissioner index instead and
	// fetched every visit of a province in random order.
	err := db.WithContext(ctx).Raw("SELECT commissioner_id, MAX(visit_date) AS last_visit, MAX(received_at) AS last_sync, "+
		"SUM(CASE WHEN visit_date >= ? AND visit_date <= ? AND flagged = 1 THEN 1 ELSE 0 END) AS flagged "+
		"FROM visits WHERE deleted_at IS NULL AND village_code >= ? AND village_code < ? GROUP BY village_code, commissioner_id",
		p.From, p.To, lo, hi).Scan(&visits).Error
	if err != nil {
		return nil, fmt.Errorf("field activity of %s: %w", region, err)
	}
	out := map[string]*FieldActivity{}
	for _, v := range visits {
		a := out[v.CommissionerID]
		if a == nil {
			a = &FieldActivity{}
			out[v.CommissionerID] = a
		}
		a.LastVisit = max(a.LastVisit, v.LastVisit)
		if t := parseDBTime(v.LastSync); t.After(a.LastSync) {
			a.LastSync = t
		}
		a.FlaggedVisits += v.Flagged
	}
	var trainings []struct {
		CommissionerID string
		LastTraining   string
	}
	err = db.WithContext(ctx).Raw("SELECT commissioner_id, MAX(held_date) AS last_training FROM trainings "+
		"WHERE deleted_at IS NULL AND region_code >= ? AND region_code < ? GROUP BY commissioner_id", lo, hi).Scan(&trainings).Error
	if err != nil {
		return nil, fmt.Errorf("training activity of %s: %w", region, err)
	}
	for _, t := range trainings {
		if out[t.CommissionerID] == nil {
			out[t.CommissionerID] = &FieldActivity{}
		}
		out[t.CommissionerID].LastTraining = t.LastTraining
	}
	return out, nil
}

// parseDBTime reads a timestamp as SQLite or MySQL render it in text;
// the zero time when it is empty or unreadable.
func parseDBTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
