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
	var roster []Commissioner
	if err := InRegion(db.WithContext(ctx).Select("id", "name"), "region_code", region).Find(&roster).Error; err != nil {
		return nil, fmt.Errorf("commissioners of %s: %w", region, err)
	}
	var lasts []struct{ CommissionerID, LastVisit, LastTraining string }
	if err := db.WithContext(ctx).Raw("SELECT commissioner_id, last_visit, last_training FROM "+lastTable+" WHERE region_code = ?",
		region).Scan(&lasts).Error; err != nil {
		return nil, fmt.Errorf("latest work under %s: %w", region, err)
	}
	byID := make(map[string]*ActivityEntry, len(roster))
	out := make([]ActivityEntry, 0, len(roster))
	for _, c := range roster {
		out = append(out, ActivityEntry{Key: c.ID, Name: c.Name})
	}
	for i := range out {
		byID[out[i].Key] = &out[i]
	}
	var others []string
	last := map[string]ActivityEntry{}
	for _, l := range lasts {
		if e := byID[l.CommissionerID]; e != nil {
			e.LastVisit, e.LastTraining = l.LastVisit, l.LastTraining
		} else {
			others = append(others, l.CommissionerID)
			last[l.CommissionerID] = ActivityEntry{Key: l.CommissionerID, LastVisit: l.LastVisit, LastTraining: l.LastTraining}
		}
	}
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
			e := last[id]
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
// of the listed, it reads the whole region's rows in their index order
// (cheaper than finding those of each commissioner) and keeps theirs.
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
	err := together(func() (err error) {
		if sums, err = db.commissionerSums(ctx, region, p, ids); err != nil {
			return fmt.Errorf("activity by commissioner of %s: %w", region, err)
		}
		return nil
	}, func() error {
		return db.visitFacts(ctx, region, p, ids, acts)
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
// commissioners of acts from their visits under region: of those of ids,
// or of every visit under region when ids is nil. Grouped by village and
// commissioner, the order of idx_visits_activity, which holds every
// column read (flagged is generated from flags): over the whole region the
// database reads that index alone, in order; for a hundred commissioners
// it reads theirs through idx_visits_commissioner. The commissioners'
// rows are added up here.
func (db *DB) visitFacts(ctx context.Context, region string, p Period, ids []string, acts map[string]*FieldActivity) error {
	lo, hi := PrefixRange(region)
	read := func(cond string, args ...any) error {
		var visits []struct {
			CommissionerID string
			LastSync       string
			Flagged        int64
		}
		err := db.WithContext(ctx).Raw("SELECT commissioner_id, MAX(received_at) AS last_sync, "+
			"SUM(CASE WHEN visit_date >= ? AND visit_date <= ? AND flagged = 1 THEN 1 ELSE 0 END) AS flagged "+
			"FROM visits WHERE "+cond+"deleted_at IS NULL AND village_code >= ? AND village_code < ? GROUP BY village_code, commissioner_id",
			append(append([]any{p.From, p.To}, args...), lo, hi)...).Scan(&visits).Error
		if err != nil {
			return fmt.Errorf("field activity under %s: %w", region, err)
		}
		for _, v := range visits {
			if a := acts[v.CommissionerID]; a != nil {
				if t := parseDBTime(v.LastSync); t.After(a.LastSync) {
					a.LastSync = t
				}
				a.FlaggedVisits += v.Flagged
			}
		}
		return nil
	}
	if ids == nil {
		return read("")
	}
	for len(ids) > 0 {
		part := ids[:min(len(ids), idsPer)]
		ids = ids[len(part):]
		if err := read("commissioner_id IN ? AND ", part); err != nil {
			return err
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
