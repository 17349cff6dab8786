package models

import (
	"context"
	"fmt"
)

// Service groupings.
const (
	GroupByRegion       = "region"
	GroupByMonth        = "month"
	GroupByCommissioner = "commissioner"
)

// ServiceFigures are the service output of a region (or of one group of
// it) in a period.
type ServiceFigures struct {
	Visits        int64   `json:"visits"`
	VisitDays     int64   `json:"visit_days"`
	Trainings     int64   `json:"trainings"`
	Trainees      int64   `json:"trainees"`
	Plots         int64   `json:"plots"`
	PlotAreaMu    float64 `json:"plot_area_mu"`
	Technologies  int64   `json:"technologies"`
	Varieties     int64   `json:"varieties"`
	Leaflets      int64   `json:"leaflets"`
	FarmersServed int64   `json:"farmers_served"`
}

// ServiceGroup is one group of a service rollup: a child region, a month
// (YYYY-MM) or a commissioner.
type ServiceGroup struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	ServiceFigures
}

// Services is a region's service output in total and by group.
type Services struct {
	Totals ServiceFigures
	Groups []ServiceGroup
}

// sumRow is one group of summed activity figures.
type sumRow struct {
	G                                                                string
	Visits, VisitDays, Farmers, Leaflets, Trainings, Trainees, Plots int64
	PlotAreaCmu                                                      int64
}

// itemRow is one group's distinct count of one kind of item.
type itemRow struct {
	G    string
	Kind string
	N    int64
}

const daySums = "COALESCE(SUM(visits), 0) AS visits, COALESCE(SUM(visit_days), 0) AS visit_days, " +
	"COALESCE(SUM(farmers), 0) AS farmers, COALESCE(SUM(leaflets), 0) AS leaflets, " +
	"COALESCE(SUM(trainings), 0) AS trainings, COALESCE(SUM(trainees), 0) AS trainees, " +
	"COALESCE(SUM(plots), 0) AS plots, COALESCE(SUM(plot_area_cmu), 0) AS plot_area_cmu"

// Services sums the service output of region in the period, and groups it
// by child region, by month or by commissioner.
func (db *DB) Services(ctx context.Context, region string, p Period, groupBy string) (*Services, error) {
	totals, err := db.serviceTotals(ctx, region, p)
	if err != nil {
		return nil, err
	}
	out := &Services{Totals: totals}
	switch groupBy {
	case GroupByRegion:
		out.Groups, err = db.servicesByRegion(ctx, region, p)
	case GroupByMonth:
		out.Groups, err = db.servicesByMonth(ctx, region, p)
	case GroupByCommissioner:
		out.Groups, err = db.servicesByCommissioner(ctx, region, p)
	default:
		err = fmt.Errorf("unknown grouping %q", groupBy)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// serviceTotals sums one region's figures: the activity from stat_days,
// the distinct items from stat_items.
func (db *DB) serviceTotals(ctx context.Context, region string, p Period) (ServiceFigures, error) {
	var sums []sumRow
	q := db.WithContext(ctx)
	err := q.Raw("SELECT '' AS g, "+daySums+" FROM stat_days WHERE region_code = ? AND day >= ? AND day <= ?",
		region, p.From, p.To).Scan(&sums).Error
	var items []itemRow
	if err == nil {
		coarse := len(region) < 12
		items, err = db.countItems(ctx, promoted, "''", "region_code = ? AND commissioner_id = ''", []any{region}, spanOf(p, coarse, coarse))
	}
	if err != nil {
		return ServiceFigures{}, fmt.Errorf("services of %s: %w", region, err)
	}
	return mergeFigures(sums, items)[""], nil
}

// mergeFigures joins summed rows and item counts by group key.
func mergeFigures(sums []sumRow, items []itemRow) map[string]ServiceFigures {
	out := map[string]ServiceFigures{}
	for _, s := range sums {
		out[s.G] = ServiceFigures{Visits: s.Visits, VisitDays: s.VisitDays, Trainings: s.Trainings, Trainees: s.Trainees,
			Plots: s.Plots, PlotAreaMu: float64(s.PlotAreaCmu) / 100, Leaflets: s.Leaflets, FarmersServed: s.Farmers}
	}
	for _, it := range items {
		f := out[it.G]
		if it.Kind == kindTechnology {
			f.Technologies = it.N
		} else {
			f.Varieties = it.N
		}
		out[it.G] = f
	}
	return out
}

func (db *DB) servicesByRegion(ctx context.Context, region string, p Period) ([]ServiceGroup, error) {
	var children []Region
	q := db.WithContext(ctx)
	if err := q.Where("parent_code = ?", region).Order("code").Find(&children).Error; err != nil {
		return nil, fmt.Errorf("services children: %w", err)
	}
	groups := make([]ServiceGroup, 0, len(children))
	if len(children) == 0 {
		return groups, nil
	}
	codes := make([]string, len(children))
	for i, c := range children {
		codes[i] = c.Code
	}
	var sums []sumRow
	var items []itemRow
	err := q.Raw("SELECT region_code AS g, "+daySums+" FROM stat_days WHERE region_code IN ? AND day >= ? AND day <= ? GROUP BY region_code",
		codes, p.From, p.To).Scan(&sums).Error
	if err == nil {
		coarse := childLen(region) < 12
		items, err = db.countItems(ctx, promoted, "region_code", "region_code IN ? AND commissioner_id = ''", []any{codes}, spanOf(p, coarse, coarse))
	}
	if err != nil {
		return nil, fmt.Errorf("services by region of %s: %w", region, err)
	}
	figs := mergeFigures(sums, items)
	for _, c := range children {
		groups = append(groups, ServiceGroup{Key: c.Code, Name: c.Name, ServiceFigures: figs[c.Code]})
	}
	return groups, nil
}

func (db *DB) servicesByMonth(ctx context.Context, region string, p Period) ([]ServiceGroup, error) {
	var sums []sumRow
	var items []itemRow
	q := db.WithContext(ctx)
	err := q.Raw("SELECT SUBSTR(day, 1, 7) AS g, "+daySums+" FROM stat_days WHERE region_code = ? AND day >= ? AND day <= ? GROUP BY g",
		region, p.From, p.To).Scan(&sums).Error
	if err == nil {
		items, err = db.countItems(ctx, promoted, "SUBSTR(day, 1, 7)", "region_code = ? AND commissioner_id = ''", []any{region},
			spanOf(p, false, len(region) < 12))
	}
	if err != nil {
		return nil, fmt.Errorf("services by month of %s: %w", region, err)
	}
	figs := mergeFigures(sums, items)
	var groups []ServiceGroup
	for _, m := range months(p) {
		groups = append(groups, ServiceGroup{Key: m, Name: monthName(m), ServiceFigures: figs[m]})
	}
	return groups, nil
}

// months lists the months (YYYY-MM) the period touches.
func months(p Period) []string {
	var out []string
	for m := p.From[:7]; m <= p.To[:7]; {
		out = append(out, m)
		y, mo := 0, 0
		fmt.Sscanf(m, "%d-%d", &y, &mo)
		if mo == 12 {
			y, mo = y+1, 0
		}
		m = fmt.Sprintf("%04d-%02d", y, mo+1)
	}
	return out
}

// monthName writes a month as reports do: 2024年5月.
func monthName(m string) string {
	y, mo := 0, 0
	fmt.Sscanf(m, "%d-%d", &y, &mo)
	return fmt.Sprintf("%d年%d月", y, mo)
}
