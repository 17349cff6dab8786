package handlers

import (
	"math"

	"github.com/tepai/tepai/models"
)

// harvestSpec describes a plot's harvest results, one per season, below
// /plots/{id}/harvests; they belong to the plot's commissioner.
func harvestSpec(plots *spec) *spec {
	sp := &spec{
		typ: TypeHarvest, path: "/harvests", idParam: "harvest_id", orderCol: "created_at",
		orderOf:  createdAt,
		newModel: func() models.Record { return &models.Harvest{} },
		newSlice: func() any { return &[]models.Harvest{} },
		newDTO:   func() recordDTO { return &harvestDTO{} },
		parent:   plots, parentCol: "plot_id",
		parentOf: func(m models.Record) string { return m.(*models.Harvest).PlotID },
	}
	return sp.ownedBy()
}

// Bounds of harvest figures.
const (
	maxYieldKgPerMu = 100000
	maxPriceFen     = 100000000 // 100 万元 per kg
	maxCostFen      = 100000000 // 100 万元 per mu
)

// harvestDTO is the body of a harvest.
type harvestDTO struct {
	ID                   string  `json:"id"`
	PlotID               string  `json:"plot_id"`
	Season               string  `json:"season"`
	HarvestedOn          string  `json:"harvested_on"`
	YieldKgPerMu         float64 `json:"yield_kg_per_mu"`
	BaselineYieldKgPerMu float64 `json:"baseline_yield_kg_per_mu"`
	PriceFenPerKg        int64   `json:"price_fen_per_kg"`
	CostFenPerMu         int64   `json:"cost_fen_per_mu"`
	BaselineCostFenPerMu int64   `json:"baseline_cost_fen_per_mu"`
}

func (d *harvestDTO) ident() *string     { return &d.ID }
func (d *harvestDTO) parentRef() *string { return &d.PlotID }

// check validates a harvest: a season the plot has no other harvest for, a
// date not before the plot was established, bounded yields, price and
// costs, and a price wherever there is a yield to value.
func (d *harvestDTO) check(ck *checker) {
	ck.text("season", d.Season, 20, true)
	ck.date("harvested_on", d.HarvestedOn, true, true)
	if plot, ok := ck.parent.(*models.Plot); ok && !ck.fields.Has("harvested_on") &&
		plot.EstablishedOn != "" && d.HarvestedOn < plot.EstablishedOn {
		ck.add("harvested_on", "不能早于基地建立日期", "must not be before the plot was established")
	}
	ck.numIn("yield_kg_per_mu", d.YieldKgPerMu, 0, maxYieldKgPerMu)
	ck.numIn("baseline_yield_kg_per_mu", d.BaselineYieldKgPerMu, 0, maxYieldKgPerMu)
	ck.intIn("price_fen_per_kg", d.PriceFenPerKg, 0, maxPriceFen)
	ck.intIn("cost_fen_per_mu", d.CostFenPerMu, 0, maxCostFen)
	ck.intIn("baseline_cost_fen_per_mu", d.BaselineCostFenPerMu, 0, maxCostFen)
	if d.PriceFenPerKg == 0 && (d.YieldKgPerMu > 0 || d.BaselineYieldKgPerMu > 0) {
		ck.add("price_fen_per_kg", "有产量时须填写价格", "required when there is a yield")
	}
	if !ck.fields.Has("season") && ck.parent != nil {
		ck.unique("season", "harvests", "plot_id = ? AND season = ?", d.PlotID, trim(d.Season))
	}
}

// store writes a checked harvest into m and derives its income increase
// per mu: round((yield − baseline yield) × price) − (cost − baseline cost).
func (d *harvestDTO) store(m models.Record, ck *checker) {
	h := m.(*models.Harvest)
	h.PlotID, h.Season, h.HarvestedOn = d.PlotID, trim(d.Season), d.HarvestedOn
	h.YieldKgPerMu, h.BaselineYieldKgPerMu = d.YieldKgPerMu, d.BaselineYieldKgPerMu
	h.PriceFenPerKg, h.CostFenPerMu, h.BaselineCostFenPerMu = d.PriceFenPerKg, d.CostFenPerMu, d.BaselineCostFenPerMu
	h.IncomeIncreaseFenPerMu = IncomeIncreaseFenPerMu(h)
}

// IncomeIncreaseFenPerMu is a harvest's income increase per mu in fen:
// round((yield − baseline yield) × price) − (cost − baseline cost).
func IncomeIncreaseFenPerMu(h *models.Harvest) int64 {
	gain := math.Round((h.YieldKgPerMu - h.BaselineYieldKgPerMu) * float64(h.PriceFenPerKg))
	return int64(gain) - (h.CostFenPerMu - h.BaselineCostFenPerMu)
}
