package models

import (
	"cmp"
	"fmt"
	"slices"

	"gorm.io/gorm"
)

// plotState is what the plot-income rollup needs of a plot; nil when the
// plot does not count (absent or deleted).
type plotState struct {
	village string
	areaCmu int64
}

func plotStateOf(p *Plot) *plotState {
	if p == nil || p.DeletedAt.Valid || p.VillageCode == "" {
		return nil
	}
	return &plotState{p.VillageCode, centi(p.AreaMu)}
}

// lockPlot reads a plot's state, locking its row on MySQL so that harvest
// and plot changes of one plot apply one after the other.
func lockPlot(tx *gorm.DB, id string) (*plotState, error) {
	var rows []Plot
	err := tx.Raw("SELECT id, village_code, area_mu, deleted_at FROM plots WHERE id = ?"+forUpdate(tx), id).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("lock plot: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return plotStateOf(&rows[0]), nil
}

// applyHarvest moves a harvest's plot-based increase in stat_incomes.
func applyHarvest(tx *gorm.DB, slots *slotter, before, after *Harvest) error {
	type side struct {
		h    *Harvest
		sign int64
	}
	var sides []side
	for _, s := range []side{{before, -1}, {after, 1}} {
		if harvestYear(s.h) != 0 {
			sides = append(sides, s)
		}
	}
	slices.SortFunc(sides, func(a, b side) int { return cmp.Compare(a.h.PlotID, b.h.PlotID) })
	acc := incomeDelta{}
	plots := map[string]*plotState{}
	for _, s := range sides {
		p, seen := plots[s.h.PlotID]
		if !seen {
			var err error
			if p, err = lockPlot(tx, s.h.PlotID); err != nil {
				return err
			}
			plots[s.h.PlotID] = p
		}
		if p != nil {
			acc.add(p.village, harvestYear(s.h), incomeVals{plotFen: plotIncrease(s.h.IncomeIncreaseFenPerMu, p.areaCmu)}, s.sign)
		}
	}
	return acc.apply(tx, slots)
}

// applyPlotIncome re-counts the harvests of a plot whose village, area or
// existence changed.
func applyPlotIncome(tx *gorm.DB, slots *slotter, before, after *Plot) error {
	b, a := plotStateOf(before), plotStateOf(after)
	if (b == nil && a == nil) || (b != nil && a != nil && *b == *a) {
		return nil
	}
	id := before
	if id == nil {
		id = after
	}
	if _, err := lockPlot(tx, id.ID); err != nil {
		return err
	}
	var harvests []Harvest
	err := tx.Raw("SELECT id, plot_id, harvested_on, income_increase_fen_per_mu FROM harvests WHERE plot_id = ? AND deleted_at IS NULL"+forUpdate(tx), id.ID).
		Scan(&harvests).Error
	if err != nil {
		return fmt.Errorf("read harvests: %w", err)
	}
	acc := incomeDelta{}
	for i := range harvests {
		h := &harvests[i]
		y := harvestYear(h)
		if y == 0 {
			continue
		}
		if b != nil {
			acc.add(b.village, y, incomeVals{plotFen: plotIncrease(h.IncomeIncreaseFenPerMu, b.areaCmu)}, -1)
		}
		if a != nil {
			acc.add(a.village, y, incomeVals{plotFen: plotIncrease(h.IncomeIncreaseFenPerMu, a.areaCmu)}, 1)
		}
	}
	return acc.apply(tx, slots)
}
