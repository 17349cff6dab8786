package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// rebuildIncomes recomputes stat_household_years and stat_incomes from the
// incomes, households, harvests and plots.
func (db *DB) rebuildIncomes(ctx context.Context) error {
	var years []householdYear
	err := db.WithContext(ctx).Raw("SELECT household_id, year, SUM(income_fen) AS income_fen, COUNT(*) AS records FROM incomes " +
		"WHERE deleted_at IS NULL GROUP BY household_id, year").Scan(&years).Error
	if err != nil {
		return fmt.Errorf("rebuild household years: %w", err)
	}
	var hh []Household
	err = db.WithContext(ctx).Select("id, village_code, baseline_year, baseline_income_fen").Find(&hh).Error
	if err != nil {
		return fmt.Errorf("rebuild households: %w", err)
	}
	byID := make(map[string]*household, len(hh))
	for i := range hh {
		byID[hh[i].ID] = householdOf(&hh[i])
	}
	acc := incomeDelta{}
	rows := make([][]any, len(years))
	for i, y := range years {
		rows[i] = []any{y.HouseholdID, y.Year, y.IncomeFen, y.Records}
		if h := byID[y.HouseholdID]; h != nil {
			acc.add(h.village, y.Year, h.contribution(y.Year, y.IncomeFen, y.Records), 1)
		}
	}
	if err := db.plotIncomes(ctx, acc); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *gorm.DB) error {
		if err := upsert(tx, hhTable, rows); err != nil {
			return err
		}
		return acc.apply(tx, &slotter{tx: tx, taken: true})
	})
}

// plotIncomes adds the plot-based increase of every live harvest on a live
// plot.
func (db *DB) plotIncomes(ctx context.Context, acc incomeDelta) error {
	var rows []struct {
		HarvestedOn            string
		IncomeIncreaseFenPerMu int64
		VillageCode            string
		AreaMu                 float64
	}
	err := db.WithContext(ctx).Raw("SELECT h.harvested_on, h.income_increase_fen_per_mu, p.village_code, p.area_mu " +
		"FROM harvests h JOIN plots p ON p.id = h.plot_id WHERE h.deleted_at IS NULL AND p.deleted_at IS NULL").Scan(&rows).Error
	if err != nil {
		return fmt.Errorf("rebuild plot incomes: %w", err)
	}
	for _, r := range rows {
		y := harvestYear(&Harvest{HarvestedOn: r.HarvestedOn})
		if y != 0 && r.VillageCode != "" {
			acc.add(r.VillageCode, y, incomeVals{plotFen: plotIncrease(r.IncomeIncreaseFenPerMu, centi(r.AreaMu))}, 1)
		}
	}
	return nil
}
