package models

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// slotSums adds up the slots of stat_activity rows grouped by key.
const slotSums = "SUM(visits) AS visits, SUM(farmers) AS farmers, SUM(leaflets) AS leaflets, SUM(trainings) AS trainings, " +
	"SUM(trainees) AS trainees, SUM(plots) AS plots, SUM(plot_area_cmu) AS plot_area_cmu"

// CommissionerServices returns the service output of each commissioner who
// has a record under region in the period, counting only those records,
// keyed by commissioner id. Visit days are the commissioner's calendar
// days with a visit under region; technologies and varieties are the
// distinct ones named by those records.
func (db *DB) CommissionerServices(ctx context.Context, region string, p Period) (map[string]ServiceFigures, error) {
	sums, err := db.commissionerSums(ctx, region, p, nil)
	var items []itemRow
	if err == nil {
		lo, hi := PrefixRange(region)
		items, err = db.countItems(ctx, promoted, "commissioner_id", "region_code >= ? AND region_code < ? AND commissioner_id <> ''",
			[]any{lo, hi}, spanOf(p, false, false))
	}
	if err != nil {
		return nil, fmt.Errorf("services by commissioner of %s: %w", region, err)
	}
	return nonZero(mergeFigures(sums, items)), nil
}

// commissionerSums sums each commissioner's activity under region in the
// period from stat_activity: every commissioner's when ids is nil, else
// those of ids. The database sums a day's slots of each commissioner,
// grouping in an index's order after region_code (day, then commissioner
// of the primary key; commissioner, then day of
// idx_stat_activity_commissioner when ids are named) so that it streams
// them as it reads; the commissioners' totals are added up here. Summing
// them in a second GROUP BY would have the database keep every
// commissioner-day of the period in a temporary table first, which at
// province level (a quarter of a million rows) spills to disk.
func (db *DB) commissionerSums(ctx context.Context, region string, p Period, ids []string) ([]sumRow, error) {
	by := map[string]*sumRow{}
	read := func(q string, args ...any) error {
		rows, err := db.WithContext(ctx).Raw(q, args...).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var d sumRow
			if err := rows.Scan(&id, &d.Visits, &d.Farmers, &d.Leaflets, &d.Trainings, &d.Trainees, &d.Plots, &d.PlotAreaCmu); err != nil {
				return err
			}
			s := by[id]
			if s == nil {
				s = &sumRow{G: id}
				by[id] = s
			}
			s.Visits += d.Visits
			if d.Visits > 0 {
				s.VisitDays++
			}
			s.Farmers += d.Farmers
			s.Leaflets += d.Leaflets
			s.Trainings += d.Trainings
			s.Trainees += d.Trainees
			s.Plots += d.Plots
			s.PlotAreaCmu += d.PlotAreaCmu
		}
		return rows.Err()
	}
	if ids == nil {
		if err := read("SELECT commissioner_id, "+slotSums+" FROM stat_activity "+
			"WHERE region_code = ? AND day >= ? AND day <= ? GROUP BY day, commissioner_id", region, p.From, p.To); err != nil {
			return nil, err
		}
	}
	for len(ids) > 0 {
		part := ids[:min(len(ids), idsPer)]
		ids = ids[len(part):]
		if err := read("SELECT commissioner_id, "+slotSums+" FROM stat_activity "+
			"WHERE region_code = ? AND commissioner_id IN ? AND day >= ? AND day <= ? GROUP BY commissioner_id, day",
			region, part, p.From, p.To); err != nil {
			return nil, err
		}
	}
	out := make([]sumRow, 0, len(by))
	for _, s := range by {
		out = append(out, *s)
	}
	return out, nil
}

// nonZero drops the groups whose figures are all zero.
func nonZero(figs map[string]ServiceFigures) map[string]ServiceFigures {
	for id, f := range figs {
		if f == (ServiceFigures{}) {
			delete(figs, id)
		}
	}
	return figs
}

// servicesByCommissioner groups by commissioner: every commissioner whose
// home region lies under region, and every other one with a record there,
// ordered by name.
func (db *DB) servicesByCommissioner(ctx context.Context, region string, p Period) ([]ServiceGroup, error) {
	figs, err := db.CommissionerServices(ctx, region, p)
	if err != nil {
		return nil, err
	}
	return db.commissionerGroups(ctx, region, figs)
}

// ServiceTotals is the totals of Services(region, p, ...).
func (db *DB) ServiceTotals(ctx context.Context, region string, p Period) (ServiceFigures, error) {
	return db.serviceTotals(ctx, region, p)
}

// commissionerGroups makes the groups of figs, keyed by commissioner, with
// every commissioner based under region, ordered by name.
func (db *DB) commissionerGroups(ctx context.Context, region string, figs map[string]ServiceFigures) ([]ServiceGroup, error) {
	names, err := db.commissionerNames(ctx, region, figs)
	if err != nil {
		return nil, err
	}
	groups := make([]ServiceGroup, 0, len(names))
	for id, name := range names {
		groups = append(groups, ServiceGroup{Key: id, Name: name, ServiceFigures: figs[id]})
	}
	slices.SortFunc(groups, func(a, b ServiceGroup) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Key, b.Key)) })
	return groups, nil
}

// commissionerNames names the commissioners based under region and those
// with figures there.
func (db *DB) commissionerNames(ctx context.Context, region string, figs map[string]ServiceFigures) (map[string]string, error) {
	var roster []Commissioner
	q := InRegion(db.WithContext(ctx).Select("id", "name"), "region_code", region)
	if err := q.Find(&roster).Error; err != nil {
		return nil, fmt.Errorf("commissioners of %s: %w", region, err)
	}
	names := map[string]string{}
	for _, c := range roster {
		names[c.ID] = c.Name
	}
	var others []string
	for id := range figs {
		if _, ok := names[id]; !ok {
			others = append(others, id)
			names[id] = ""
		}
	}
	more, err := db.namesOf(ctx, others)
	if err != nil {
		return nil, err
	}
	for id, name := range more {
		names[id] = name
	}
	return names, nil
}
