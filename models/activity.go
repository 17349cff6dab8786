package models

import (
	"cmp"
	"context"
	"fmt"
	"slices"
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

// ActivityEntry is one commissioner of a region's activity page: its id,
// name and latest visit and training days under the region.
type ActivityEntry struct {
	Key, Name    string
	LastVisit    string
	LastTraining string
}

// LastWorked is the later of the latest visit and training days.
func (e ActivityEntry) LastWorked() string { return max(e.LastVisit, e.LastTraining) }

// idsPer bounds the ids one statement names.
const idsPer = 500

// ActivityRoster lists, ordered by name, the commissioners that
// Services(region, p, GroupByCommissioner) groups, but for those based
// elsewhere whose only figures under region are technologies or
// varieties: every commissioner based under region, and every other one
// with activity figures there in the period. It reads stat_commissioners
// (the latest days, and who has worked under region) rather than the
// records.
func (db *DB) ActivityRoster(ctx context.Context, region string, p Period) ([]ActivityEntry, error) {
	// Streamed into plain strings: at province level 8,000 rows of each
	// table, read at once.
	var out []ActivityEntry
	lasts := map[string]ActivityEntry{}
	err := Together(func() error {
		lo, hi := PrefixRange(region)
		rows, err := db.WithContext(ctx).Raw("SELECT id, name FROM commissioners WHERE region_code >= ? AND region_code < ? AND deleted_at IS NULL",
			lo, hi).Rows()
		if err != nil {
			return fmt.Errorf("commissioners of %s: %w", region, err)
		}
		defer rows.Close()
		for rows.Next() {
			var e ActivityEntry
			if err := rows.Scan(&e.Key, &e.Name); err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	}, func() error {
		rows, err := db.WithContext(ctx).Raw("SELECT commissioner_id, last_visit, last_training FROM "+lastTable+" WHERE region_code = ?",
			region).Rows()
		if err != nil {
			return fmt.Errorf("latest work under %s: %w", region, err)
		}
		defer rows.Close()
		for rows.Next() {
			var e ActivityEntry
			if err := rows.Scan(&e.Key, &e.LastVisit, &e.LastTraining); err != nil {
				return err
			}
			lasts[e.Key] = e
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	home := make(map[string]bool, len(out))
	for i := range out {
		home[out[i].Key] = true
		if l, ok := lasts[out[i].Key]; ok {
			out[i].LastVisit, out[i].LastTraining = l.LastVisit, l.LastTraining
		}
	}
	var others []string
	for id := range lasts {
		if !home[id] {
			others = append(others, id)
		}
	}
	slices.Sort(others)
	if len(others) > 0 {
		// Those based elsewhere count when they have figures in p.
		sums, err := db.commissionerSums(ctx, region, p, others)
		if err != nil {
			return nil, fmt.Errorf("activity by commissioner of %s: %w", region, err)
		}
		figs := nonZero(mergeFigures(sums, nil))
		var working []string
		for id := range figs {
			working = append(working, id)
		}
		names, err := db.namesOf(ctx, working)
		if err != nil {
			return nil, err
		}
		for _, id := range working {
			e := lasts[id]
			e.Name = names[id]
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b ActivityEntry) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Key, b.Key)) })
	return out, nil
}

// namesOf names the commissioners of ids, deleted ones included.
func (db *DB) namesOf(ctx context.Context, ids []string) (map[string]string, error) {
	names := map[string]string{}
	for len(ids) > 0 {
		part := ids[:min(len(ids), idsPer)]
		ids = ids[len(part):]
		var cs []Commissioner
		if err := db.WithContext(ctx).Unscoped().Select("id", "name").Where("id IN ?", part).Find(&cs).Error; err != nil {
			return nil, fmt.Errorf("commissioner names: %w", err)
		}
		for _, c := range cs {
			names[c.ID] = c.Name
		}
	}
	return names, nil
}

// ActivityOf returns, for the commissioners of entries (some of the
// listed that ActivityRoster lists), their figures under region in period p as
// Services(region, p, GroupByCommissioner) groups them (without the
// distinct technologies and varieties, left at zero) and their field
// activity: the latest days of entries, when each last delivered a visit
// under region and its flagged visits in p. When entries are a good part
// of the listed, it sums the whole region's activity rows in their index
// order (cheaper than finding those of each commissioner) and keeps
// theirs.
func (db *DB) ActivityOf(ctx context.Context, region string, p Period, entries []ActivityEntry, listed int) (map[string]ServiceFigures, map[string]*FieldActivity, error) {
	ids := make([]string, len(entries))
	acts := make(map[string]*FieldActivity, len(entries))
	for i, e := range entries {
		ids[i] = e.Key
		acts[e.Key] = &FieldActivity{LastVisit: e.LastVisit, LastTraining: e.LastTraining}
	}
	if 2*len(entries) >= listed {
		ids = nil
	}
	// The sums and the visits' facts are read at once, on connections of
	// their own.
	var sums []sumRow
	err := Together(func() (err error) {
		if sums, err = db.commissionerSums(ctx, region, p, ids); err != nil {
			return fmt.Errorf("activity by commissioner of %s: %w", region, err)
		}
		return nil
	}, func() error {
		return db.visitFacts(ctx, region, p, acts)
	})
	if err != nil {
		return nil, nil, err
	}
	figs := mergeFigures(sums, nil)
	for id := range figs {
		if acts[id] == nil {
			delete(figs, id)
		}
	}
	return figs, acts, nil
}

// visitFacts sets the last sync and flagged visits in p of the
// commissioners of acts from their visits under region, reading
// idx_visits_commissioner_activity alone (it holds every column read;
// flagged is generated from flags).
func (db *DB) visitFacts(ctx context.Context, region string, p Period, acts map[string]*FieldActivity) error {
	lo, hi := PrefixRange(region)
	ids := make([]string, 0, len(acts))
	for id := range acts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for len(ids) > 0 {
		part := ids[:min(len(ids), idsPer)]
		ids = ids[len(part):]
		var visits []struct {
			CommissionerID string
			LastSync       string
			Flagged        int64
		}
		err := db.WithContext(ctx).Raw("SELECT commissioner_id, MAX(received_at) AS last_sync, "+
			"SUM(CASE WHEN visit_date >= ? AND visit_date <= ? AND flagged = 1 THEN 1 ELSE 0 END) AS flagged "+
			"FROM visits WHERE commissioner_id IN ? AND village_code >= ? AND village_code < ? AND deleted_at IS NULL GROUP BY commissioner_id",
			p.From, p.To, part, lo, hi).Scan(&visits).Error
		if err != nil {
			return fmt.Errorf("field activity under %s: %w", region, err)
		}
		for _, v := range visits {
			if a := acts[v.CommissionerID]; a != nil {
				a.LastSync, a.FlaggedVisits = parseDBTime(v.LastSync), v.Flagged
			}
		}
	}
	return nil
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
