package handlers_test

import (
	"time"

	"github.com/tepai/tepai/models"
)

func assignment(c *models.Commissioner, team, village, start, end string) *models.Assignment {
	a := &models.Assignment{ID: models.NewID(), TeamID: team, VillageCode: village, StartDate: start, EndDate: end, Version: 1}
	if c != nil {
		a.CommissionerID = c.ID
	}
	return a
}

// assignments: active in 2024 are 华阳村 115200 (A and B), 毛力坑村 115201
// (A, ending 2024-06-30), 晴村 208202 (team T), 丘畈村 208205 (the last day
// only) and 高升村 208208 (E) — 5 rural villages. Not counted: 瑶坑村
// 116200 (from 2025), 禾丰村 208203 (ended 2023), 柴家村 208204 (deleted),
// 枫树底社区 115001 (urban).
func (f *fixture) assignments(r recorder, team string, e *models.Commissioner) {
	for _, a := range []*models.Assignment{
		assignment(f.a, "", "330824115200", "2024-01-01", ""),
		assignment(f.a, "", "330824115201", "2023-03-01", "2024-06-30"),
		assignment(f.b, "", "330824115200", "2024-02-01", ""),
		assignment(f.b, "", "330824116200", "2025-01-01", ""),
		assignment(nil, team, "330824208202", "2024-02-01", ""),
		assignment(f.c, "", "330824208203", "2022-01-01", "2023-12-31"),
		assignment(f.a, "", "330824115001", "2024-01-01", ""),
		assignment(f.c, "", "330824208205", "2024-12-31", "2024-12-31"),
		assignment(e, "", "330824208208", "2024-03-01", ""),
	} {
		r.create(a)
	}
	gone := assignment(f.c, "", "330824208204", "2024-01-01", "")
	r.create(gone)
	r.remove(gone)
}

// visits, times in Asia/Shanghai.
func (f *fixture) visits(r recorder) {
	a, b, c := f.a, f.b, f.c
	for _, v := range []*models.Visit{
		visit(a, "330824115200", "2024-03-10 23:30", 5, 10, []string{"茶树绿色防控"}, []string{"龙井43"}), // v1
		visit(a, "330824115200", "2024-03-11 00:30", 3, 0, []string{"茶树绿色防控", "测土配方施肥"}, nil),     // v2: UTC 03-10
		visit(a, "330824115201", "2024-03-11 09:00", 2, 4, nil, []string{"中茶108"}),                // v3
		visit(b, "330824115200", "2024-03-11 10:00", 6, 5, []string{"测土配方施肥"}, nil),               // v4
		visit(c, "330824208202", "2024-12-31 23:30", 8, 3, []string{"稻鱼共生"}, []string{"中浙优8号"}),   // v6
		visit(c, "330824208203", "2025-01-01 00:10", 9, 9, []string{"水稻机插"}, []string{"甬优1540"}),  // v7: 2025
		visit(a, "330824115001", "2024-04-02 10:00", 1, 1, nil, nil),                              // v9: urban
		visit(b, "330824115200", "2023-12-31 23:50", 2, 2, nil, nil),                              // v10: 2023
		visit(c, "330824208202", "2024-12-31 08:00", 1, 0, []string{"稻鱼共生"}, nil),                 // v11
		visit(b, "330824116200", "2024-03-11 15:00", 2, 1, nil, nil),                              // v12
	} {
		r.create(v)
	}
	v13 := visit(a, "330824115200", "2024-03-10 23:45", 4, 4, []string{"茶树绿色防控", " 茶树绿色防控 "}, []string{"龙井43"})
	r.create(v13)
	r.remove(v13)
	// v5 moves village and day: 上街村 116201 on 05-01 → 星田村 116202 on 05-02.
	v5 := visit(b, "330824116201", "2024-05-01 09:00", 4, 2, []string{"稻鱼共生"}, nil)
	r.create(v5)
	old := *v5
	v5.VillageCode, v5.StartedAt, v5.FarmersServed = "330824116202", statsAt("2024-05-02 15:00"), 7
	v5.EndedAt, v5.VisitDate, v5.Version = v5.StartedAt.Add(time.Hour), "2024-05-02", 2
	r.update(&old, v5)
	// v8 is deleted.
	v8 := visit(c, "330824208204", "2024-06-01 10:00", 10, 0, nil, nil)
	r.create(v8)
	r.remove(v8)
}

func (f *fixture) trainingsAndPlots(r recorder) {
	a, b, c := f.a, f.b, f.c
	r.create(training(a, "330824115", "2024-04-10 14:00", 50, []string{"茶树绿色防控"})) // t1, at the township
	r.create(training(c, "330824208202", "2024-07-01 09:00", 30, []string{"稻鱼共生", "茶园机械化采摘"}))
	t3 := training(b, "330824116", "2024-08-08 09:00", 20, nil)
	r.create(t3)
	r.remove(t3)
	r.create(training(b, "330824116200", "2024-12-31 23:00", 25, nil))
	r.create(training(c, "330824208202", "2025-01-01 01:00", 40, nil)) // 2025
	p1 := &models.Plot{Meta: meta(a), VillageCode: "330824115200", Name: "华阳茶叶示范基地", Crop: "茶叶", Variety: "中茶108",
		Technology: "测土配方施肥", AreaMu: 12.5, EstablishedOn: "2024-03-01"}
	p2 := &models.Plot{Meta: meta(c), VillageCode: "330824208202", Name: "稻鱼共生示范田", Crop: "水稻", Variety: "中浙优8号",
		Technology: "稻鱼共生", AreaMu: 30, EstablishedOn: "2023-05-01"}
	p3 := &models.Plot{Meta: meta(b), VillageCode: "330824116202", Name: "星田示范基地", Crop: "茶叶", Variety: "龙井43",
		Technology: "水肥一体化", AreaMu: 7.25, EstablishedOn: "2024-09-09"}
	for _, p := range []*models.Plot{p1, p2, p3} {
		r.create(p)
	}
	harvest := func(p *models.Plot, on string, perMu int64) *models.Harvest {
		h := &models.Harvest{Meta: models.Meta{ID: models.NewID(), CommissionerID: p.CommissionerID, Version: 1}, PlotID: p.ID,
			Season: on[:7], HarvestedOn: on, IncomeIncreaseFenPerMu: perMu} // one harvest per plot and season
		r.create(h)
		return h
	}
	harvest(p2, "2024-10-01", 50000) // 30 mu → 1,500,000
	harvest(p1, "2024-05-20", 20000) // 12.5 mu → 250,000
	harvest(p1, "2023-10-01", 10000) // 2023
	harvest(p3, "2024-11-11", 3333)  // 7.25 mu, then 8 mu → 26,664
	r.remove(harvest(p2, "2024-06-01", 1000))
	old := *p3
	p3.AreaMu, p3.Version = 8, 2
	r.update(&old, p3)
}

func household(c *models.Commissioner, village string, baselineYear int, baseline int64) *models.Household {
	return &models.Household{Meta: meta(c), VillageCode: village, HeadName: "农户", Members: 4,
		BaselineYear: baselineYear, BaselineIncomeFen: baseline}
}

func (f *fixture) incomes(r recorder) {
	a := f.a
	income := func(h *models.Household, year int, fen int64) *models.Income {
		in := &models.Income{Meta: meta(a), HouseholdID: h.ID, Year: year, IncomeFen: fen}
		r.create(in)
		return in
	}
	hh := []*models.Household{
		household(a, "330824115200", 2023, 3000000), // hh1: +500,000
		household(a, "330824208202", 2023, 2000000), // hh2: −200,000
		household(a, "330824115201", 2024, 2500000), // hh3: baseline year 2024, not counted
		household(a, "330824116200", 2022, 1000000), // hh4: income 2023 only
		household(a, "330824208203", 2023, 1500000), // hh5: deleted
		household(a, "330824116202", 2023, 2000000), // hh6: one income, changed, +300,000
		household(a, "330824115200", 2023, 1000000), // hh7: moves to 116200, baseline 1,100,000: +300,000
	}
	for _, h := range hh {
		r.create(h)
	}
	income(hh[0], 2024, 3500000)
	income(hh[1], 2024, 1800000)
	income(hh[2], 2024, 2600000)
	income(hh[3], 2023, 1200000)
	income(hh[4], 2024, 1700000)
	changed := income(hh[5], 2024, 2200000)
	old := *changed
	changed.IncomeFen, changed.Version = 2300000, 2
	r.update(&old, changed)
	income(hh[6], 2024, 1400000)
	r.remove(hh[4])
	moved := *hh[6]
	moved.VillageCode, moved.BaselineIncomeFen, moved.Version = "330824116200", 1100000, 2
	r.update(hh[6], &moved)
}

func (f *fixture) projectsAndDemands(r recorder, team string) {
	a := f.a
	project := func(team, region string, fen int64, start, end string) *models.Project {
		p := &models.Project{Meta: meta(a), TeamID: team, RegionCode: region, Title: "科技特派员项目", FundsFen: fen, StartDate: start, EndDate: end}
		if team != "" {
			p.CommissionerID = ""
		}
		r.create(p)
		return p
	}
	project("", "330824115", 415000000, "2024-01-01", "2024-12-31")
	project(team, "330824208", 2555000, "2023-06-01", "")
	project("", "330824116", 1000000, "2022-01-01", "2023-12-31")
	r.remove(project("", "330824", 5000000, "2024-01-01", "2024-12-31"))
	demand := func(region, status, resolved string) {
		d := &models.Demand{Meta: meta(a), RaisedBy: a.UserID, RegionCode: region, Title: "技术需求", Status: status}
		if resolved != "" {
			t := statsAt(resolved)
			d.ResolvedAt = &t
		}
		r.create(d)
	}
	demand("330824208202", models.DemandResolved, "2024-06-01 10:00")
	demand("330824115", models.DemandOpen, "")
	demand("330824208", models.DemandResolved, "2023-12-31 23:30")
	demand("330824116", models.DemandResolved, "2024-12-31 23:30")
	demand("330824117", models.DemandResolved, "2025-01-01 00:30")
}
