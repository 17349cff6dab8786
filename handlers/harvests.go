package handlers

import (
	"fmt"
	"math"

	"github.com/tepai/tepai/internal/textcheck"
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

// check validates a harvest: a season the plot has no other harvest for
// (compared as textcheck.Key), a
// date not before the plot was established, bounded yields, price and
// costs, and a price wherever there is a yield to value.
func (d *harvestDTO) check(ck *checker) {
	// The season is a key (one harvest per plot and season): spellings a
	// person reads as the same season are stored as one.
	d.Season = textcheck.Key(d.Season)
	ck.text("season", d.Season, 20, true)
	ck.date("harvested_on", d.HarvestedOn, true, true)
	if plot, ok := ck.parent.(*models.Plot); ok && !ck.fields.Has("harvested_on") &&
		plot.EstablishedOn != "" && d.HarvestedOn < plot.EstablishedOn {
		ck.add("harvested_on", "不能早于基地建立日期", "must not be before the plot was established")
	}
	ck.numIn("yield_kg_per_mu", d.YieldKgPerMu, 0, models.MaxYieldKgPerMu)
	ck.numIn("baseline_yield_kg_per_mu", d.BaselineYieldKgPerMu, 0, models.MaxYieldKgPerMu)
	ck.intIn("price_fen_per_kg", d.PriceFenPerKg, 0, models.MaxPriceFenPerKg)
	ck.intIn("cost_fen_per_mu", d.CostFenPerMu, 0, models.MaxCostFenPerMu)
	ck.intIn("baseline_cost_fen_per_mu", d.BaselineCostFenPerMu, 0, models.MaxCostFenPerMu)
	if d.PriceFenPerKg == 0 && (d.YieldKgPerMu > 0 || d.BaselineYieldKgPerMu > 0) {
		ck.add("price_fen_per_kg", "有产量时须填写价格", "required when there is a yield")
	}
	d.checkIncrease(ck)
	if !ck.fields.Has("season") && ck.parent != nil {
		ck.unique("season", "harvests", "plot_id = ? AND season = ?", d.PlotID, trim(d.Season))
	}
}

// checkIncrease bounds the derived income increase per mu, so that the
// plot-based increase (per mu × the plot's area) of any harvest on any
// plot stays within models.MaxFigureFen; it is checked once the figures
// it derives from are in their own bounds.
func (d *harvestDTO) checkIncrease(ck *checker) {
	for _, f := range []string{"yield_kg_per_mu", "baseline_yield_kg_per_mu", "price_fen_per_kg", "cost_fen_per_mu", "baseline_cost_fen_per_mu"} {
		if ck.fields.Has(f) {
			return
		}
	}
	h := models.Harvest{YieldKgPerMu: d.YieldKgPerMu, BaselineYieldKgPerMu: d.BaselineYieldKgPerMu,
		PriceFenPerKg: d.PriceFenPerKg, CostFenPerMu: d.CostFenPerMu, BaselineCostFenPerMu: d.BaselineCostFenPerMu}
	if v := IncomeIncreaseFenPerMu(&h); v < -models.MaxIncreaseFenPerMu || v > models.MaxIncreaseFenPerMu {
		lim := int64(models.MaxIncreaseFenPerMu)
		ck.add("income_increase_fen_per_mu",
			fmt.Sprintf("每亩增收（(产量 − 基线产量) × 价格 − (成本 − 基线成本)）须在 %d 到 %d 分之间", -lim, lim),
			fmt.Sprintf("the income increase per mu, (yield − baseline yield) × price − (cost − baseline cost), must be from %d to %d fen", -lim, lim))
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
