package handlers_test

import (
	"testing"

	"github.com/tepai/tepai/models"
)

type servicesBody struct {
	GroupBy string                `json:"group_by"`
	Totals  models.ServiceFigures `json:"totals"`
	Groups  []models.ServiceGroup `json:"groups"`
}

// sv is one expected service line: visits, visit days, trainings,
// trainees, plots, area, technologies, varieties, leaflets, farmers.
type sv struct {
	visits, days, trainings, trainees, plots int64
	area                                     float64
	techs, vars, leaflets, farmers           int64
}

func (s sv) check(t *testing.T, what string, got models.ServiceFigures) {
	t.Helper()
	want := models.ServiceFigures{Visits: s.visits, VisitDays: s.days, Trainings: s.trainings, Trainees: s.trainees,
		Plots: s.plots, PlotAreaMu: s.area, Technologies: s.techs, Varieties: s.vars, Leaflets: s.leaflets, FarmersServed: s.farmers}
	if got != want {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// Counted in 2024: visits v1 v2 v3 v4 v5 v6 v9 v11 v12 (not v7 of
// 2025-01-01 00:10, v8 and v13 deleted, v10 of 2023); trainings t1 t2 t4
// (t3 deleted, t5 in 2025); plots p1 and p3 (p2 was established in 2023).
//
//	A: v1 03-10, v2 03-11 (UTC 03-10), v3 03-11, v9 04-02 → 4 visits, 3 days,
//	   farmers 5+3+2+1 = 11, leaflets 10+0+4+1 = 15
//	B: v4 03-11 华埠镇, v12 03-11 马金镇, v5 05-02 → 3 visits, 2 days,
//	   farmers 6+2+7 = 15, leaflets 5+1+2 = 8
//	C: v6 and v11 on 12-31 → 2 visits, 1 day, farmers 9, leaflets 3
//
// Technologies: 茶树绿色防控, 测土配方施肥, 稻鱼共生, 茶园机械化采摘 (t2),
// 水肥一体化 (p3) = 5 (水稻机插 only in 2025). Varieties: 龙井43, 中茶108,
// 中浙优8号 = 3 (甬优1540 only in 2025).
var county2024 = sv{9, 6, 3, 50 + 30 + 25, 2, 12.5 + 8, 5, 3, 15 + 8 + 3, 11 + 15 + 9}

func (f *fixture) checkServices(t *testing.T) {
	var b servicesBody
	f.get(t, f.bureau, "/api/v1/stats/services?region=330824&year=2024", &b)
	if b.GroupBy != "region" || len(b.Groups) != 14 {
		t.Fatalf("group_by %q, %d groups", b.GroupBy, len(b.Groups))
	}
	county2024.check(t, "county", b.Totals)
	want := map[string]sv{
		// v1 v2 v3 v4 v9; A's 3 days + B's 03-11; t1 at the township; p1.
		// Techs 茶树绿色防控 测土配方施肥; varieties 龙井43 中茶108.
		"330824115": {5, 4, 1, 50, 1, 12.5, 2, 2, 20, 17},
		// v5 v12: B's 05-02 and 03-11 (counted here too); t4; p3 at 8 mu.
		// Techs 稻鱼共生 水肥一体化; variety 龙井43.
		"330824116": {2, 2, 1, 25, 1, 8, 2, 1, 3, 9},
		// v6 v11 on one day; t2. Techs 稻鱼共生 茶园机械化采摘; 中浙优8号.
		"330824208": {2, 1, 1, 30, 0, 0, 2, 1, 3, 9},
	}
	for _, g := range b.Groups {
		want[g.Key].check(t, g.Key+" "+g.Name, g.ServiceFigures)
	}
	// The first days of 2025: v7 and t5 only.
	f.get(t, f.bureau, "/api/v1/stats/services?region=330824&from=2025-01-01&to=2025-01-31", &b)
	sv{1, 1, 1, 40, 0, 0, 1, 1, 9, 9}.check(t, "2025-01", b.Totals)
	// A village, for its township office: 晴村 has v6, v11 and t2.
	f.get(t, f.hetian, "/api/v1/stats/services?region=330824208202&year=2024", &b)
	sv{2, 1, 1, 30, 0, 0, 2, 1, 3, 9}.check(t, "晴村", b.Totals)
	if len(b.Groups) != 0 {
		t.Errorf("a village has no children: %d", len(b.Groups))
	}
}

func (f *fixture) checkServicesByMonth(t *testing.T) {
	var b servicesBody
	f.get(t, f.bureau, "/api/v1/stats/services?region=330824&year=2024&group_by=month", &b)
	county2024.check(t, "totals", b.Totals)
	if len(b.Groups) != 12 || b.Groups[0].Key != "2024-01" || b.Groups[4].Name != "2024年5月" {
		t.Fatalf("months: %+v", b.Groups)
	}
	want := map[string]sv{
		// v1 v2 v3 v4 v12; A 03-10 and 03-11, B 03-11; p1 on 03-01.
		"2024-03": {5, 3, 0, 0, 1, 12.5, 2, 2, 20, 18},
		"2024-04": {1, 1, 1, 50, 0, 0, 1, 0, 1, 1}, // v9, t1
		"2024-05": {1, 1, 0, 0, 0, 0, 1, 0, 2, 7},  // v5 after its move
		"2024-07": {0, 0, 1, 30, 0, 0, 2, 0, 0, 0}, // t2
		"2024-09": {0, 0, 0, 0, 1, 8, 1, 1, 0, 0},  // p3
		"2024-12": {2, 1, 1, 25, 0, 0, 1, 1, 3, 9}, // v6 v11, t4 at 23:00
	}
	for _, g := range b.Groups {
		want[g.Key].check(t, g.Key, g.ServiceFigures)
	}
}

func (f *fixture) checkServicesByCommissioner(t *testing.T) {
	var b servicesBody
	f.get(t, f.bureau, "/api/v1/stats/services?region=330824&year=2024&group_by=commissioner", &b)
	county2024.check(t, "totals", b.Totals)
	want := map[string]sv{
		// Techs: 茶树绿色防控 测土配方施肥; varieties 龙井43 中茶108.
		f.a.ID: {4, 3, 1, 50, 1, 12.5, 2, 2, 15, 11},
		// Techs: 测土配方施肥 稻鱼共生 水肥一体化; variety 龙井43.
		f.b.ID: {3, 2, 1, 25, 1, 8, 3, 1, 8, 15},
		f.c.ID: {2, 1, 1, 30, 0, 0, 2, 1, 3, 9},
		f.d.ID: {}, // based in the county, nothing recorded
	}
	if len(b.Groups) != len(want) {
		t.Fatalf("groups: %+v", b.Groups)
	}
	for _, g := range b.Groups {
		want[g.Key].check(t, g.Name, g.ServiceFigures)
	}
	// In 华埠镇: A (based there) and B for v4 only.
	f.get(t, f.bureau, "/api/v1/stats/services?region=330824115&year=2024&group_by=commissioner", &b)
	want = map[string]sv{
		f.a.ID: {4, 3, 1, 50, 1, 12.5, 2, 2, 15, 11},
		f.b.ID: {1, 1, 0, 0, 0, 0, 1, 0, 5, 6},
	}
	if len(b.Groups) != len(want) {
		t.Fatalf("华埠镇 groups: %+v", b.Groups)
	}
	for _, g := range b.Groups {
		want[g.Key].check(t, "华埠镇 "+g.Name, g.ServiceFigures)
	}
}

type incomeBody struct {
	Year int `json:"year"`
	models.IncomeFigures
}

func (f *fixture) checkIncome(t *testing.T) {
	var b incomeBody
	// hh1 +500,000; hh2 −200,000; hh6 1,200,000 + 1,100,000 − 2,000,000 =
	// +300,000; hh7 1,400,000 − 1,100,000 = +300,000 (its baseline after
	// the update). Not counted: hh3 (baseline year 2024), hh4 (no 2024
	// income), hh5 (deleted). Plots: h1 50,000 × 30 + h2 20,000 × 12.5 +
	// h4 3,333 × 8 = 1,500,000 + 250,000 + 26,664.
	f.get(t, f.bureau, "/api/v1/stats/income?region=330824&year=2024", &b)
	want := models.IncomeFigures{Households: 4, HouseholdsIncreased: 3, IncomeIncreaseFen: 900000, AvgIncreaseFen: 225000,
		PlotIncomeIncreaseFen: 1776664}
	if b.IncomeFigures != want || b.Year != 2024 {
		t.Errorf("county: %+v", b)
	}
	// 马金镇: hh6 and hh7 (moved in); p3.
	f.get(t, f.bureau, "/api/v1/stats/income?region=330824116&year=2024", &b)
	want = models.IncomeFigures{Households: 2, HouseholdsIncreased: 2, IncomeIncreaseFen: 600000, AvgIncreaseFen: 300000,
		PlotIncomeIncreaseFen: 26664}
	if b.IncomeFigures != want {
		t.Errorf("马金镇: %+v", b.IncomeFigures)
	}
	// 华埠镇 after hh7 left: hh1; h2 (h3 is of 2023).
	f.get(t, f.bureau, "/api/v1/stats/income?region=330824115&year=2024", &b)
	want = models.IncomeFigures{Households: 1, HouseholdsIncreased: 1, IncomeIncreaseFen: 500000, AvgIncreaseFen: 500000,
		PlotIncomeIncreaseFen: 250000}
	if b.IncomeFigures != want {
		t.Errorf("华埠镇: %+v", b.IncomeFigures)
	}
	// 2023: hh4 1,200,000 − 1,000,000; h3 10,000 × 12.5.
	f.get(t, f.bureau, "/api/v1/stats/income?region=330824&year=2023", &b)
	want = models.IncomeFigures{Households: 1, HouseholdsIncreased: 1, IncomeIncreaseFen: 200000, AvgIncreaseFen: 200000,
		PlotIncomeIncreaseFen: 125000}
	if b.IncomeFigures != want {
		t.Errorf("2023: %+v", b.IncomeFigures)
	}
}
