package gen

import (
	"fmt"
	"time"

	"github.com/tepai/tepai/models"
)

// plots writes demonstration plots, most established in the year, and a
// harvest for four in five of them.
func (g *generator) plots() error {
	plots := batch[models.Plot]{g: g}
	harvests := batch[models.Harvest]{g: g}
	for range g.n(basePlots) {
		p := g.people[g.rng.IntN(len(g.people))]
		on := g.day()
		if g.rng.IntN(7) == 0 {
			on = on.AddDate(-1, 0, 0)
		}
		lat, lng := g.point()
		pl := models.Plot{Meta: models.Meta{ID: models.NewID(), CommissionerID: p.c.ID, Version: 1, CreatedAt: g.now, UpdatedAt: g.now},
			VillageCode: g.pick(p.villages), Name: p.c.Specialty + "示范基地", Crop: p.c.Specialty, Variety: g.variety(),
			Technology: g.technology(), AreaMu: float64(5+g.rng.IntN(4995)) / 10, Lat: lat, Lng: lng,
			EstablishedOn: on.In(cst).Format(time.DateOnly)}
		if err := plots.add(pl); err != nil {
			return err
		}
		if g.rng.IntN(5) == 0 {
			continue
		}
		h := models.Harvest{Meta: models.Meta{ID: models.NewID(), CommissionerID: p.c.ID, Version: 1, CreatedAt: g.now, UpdatedAt: g.now},
			PlotID: pl.ID, Season: "秋季", HarvestedOn: fmt.Sprintf("%d-%02d-15", g.opt.Year, 6+g.rng.IntN(6)),
			BaselineYieldKgPerMu: float64(300 + g.rng.IntN(200)), PriceFenPerKg: int64(200 + g.rng.IntN(800)),
			BaselineCostFenPerMu: int64(50000 + g.rng.IntN(50000))}
		h.YieldKgPerMu = h.BaselineYieldKgPerMu * (1 + float64(g.rng.IntN(30))/100)
		h.CostFenPerMu = h.BaselineCostFenPerMu + int64(g.rng.IntN(10000))
		h.IncomeIncreaseFenPerMu = int64((h.YieldKgPerMu-h.BaselineYieldKgPerMu)*float64(h.PriceFenPerKg)) - (h.CostFenPerMu - h.BaselineCostFenPerMu)
		if err := harvests.add(h); err != nil {
			return err
		}
	}
	g.counts.Plots, g.counts.Harvests = plots.n, harvests.n
	if err := plots.flush(); err != nil {
		return err
	}
	return harvests.flush()
}

// households writes served households with last year's income as their
// baseline, and this year's income for most of them.
func (g *generator) households() error {
	hh := batch[models.Household]{g: g}
	incomes := batch[models.Income]{g: g}
	for range g.n(baseHouseholds) {
		p := g.people[g.rng.IntN(len(g.people))]
		h := models.Household{Meta: models.Meta{ID: models.NewID(), CommissionerID: p.c.ID, Version: 1, CreatedAt: g.now, UpdatedAt: g.now},
			VillageCode: g.pick(p.villages), HeadName: g.pick(surnames) + g.pick(given), Members: 1 + g.rng.IntN(6),
			BaselineYear: g.opt.Year - 1, BaselineIncomeFen: int64(2000000 + g.rng.IntN(4000000))}
		if err := hh.add(h); err != nil {
			return err
		}
		if g.rng.IntN(12) == 0 {
			continue
		}
		in := models.Income{Meta: models.Meta{ID: models.NewID(), CommissionerID: p.c.ID, Version: 1, CreatedAt: g.now, UpdatedAt: g.now},
			HouseholdID: h.ID, Year: g.opt.Year, IncomeFen: h.BaselineIncomeFen * int64(90+g.rng.IntN(40)) / 100}
		if err := incomes.add(in); err != nil {
			return err
		}
	}
	g.counts.Households, g.counts.Incomes = hh.n, incomes.n
	if err := hh.flush(); err != nil {
		return err
	}
	return incomes.flush()
}

// projectsAndDemands writes projects of counties and townships and the
// villages' demands, most of them resolved during the year.
func (g *generator) projectsAndDemands() error {
	projects := batch[models.Project]{g: g}
	for range g.n(baseProjects) {
		p := g.people[g.rng.IntN(len(g.people))]
		region := g.pick(p.villages)[:9]
		if g.rng.IntN(2) == 0 {
			region = region[:6]
		}
		pr := models.Project{Meta: models.Meta{ID: models.NewID(), CommissionerID: p.c.ID, Version: 1, CreatedAt: g.now, UpdatedAt: g.now},
			RegionCode: region, Title: p.c.Specialty + "科技示范推广项目", FundsFen: int64(5+g.rng.IntN(95)) * 1000000,
			StartDate: fmt.Sprintf("%d-01-01", g.opt.Year), EndDate: fmt.Sprintf("%d-12-31", g.opt.Year)}
		if err := projects.add(pr); err != nil {
			return err
		}
	}
	demands := batch[models.Demand]{g: g}
	statuses := []string{models.DemandResolved, models.DemandResolved, models.DemandResolved, models.DemandClaimed, models.DemandOpen}
	for range g.n(baseDemands) {
		p := g.people[g.rng.IntN(len(g.people))]
		d := models.Demand{Meta: models.Meta{ID: models.NewID(), Version: 1, CreatedAt: g.now, UpdatedAt: g.now},
			RaisedBy: p.c.UserID, RegionCode: g.pick(p.villages), Title: p.c.Specialty + "技术需求", Category: p.c.Specialty,
			Status: g.pick(statuses)}
		if d.Status != models.DemandOpen {
			at := g.day()
			d.CommissionerID, d.ClaimedBy, d.ClaimedAt = p.c.ID, p.c.ID, &at
			if d.Status == models.DemandResolved {
				d.ResolvedAt, d.Resolution = &at, "已现场解决"
			}
		}
		if err := demands.add(d); err != nil {
			return err
		}
	}
	g.counts.Projects, g.counts.Demands = projects.n, demands.n
	if err := projects.flush(); err != nil {
		return err
	}
	return demands.flush()
}
