package models

import (
	"cmp"
	"fmt"
	"strconv"

	"gorm.io/gorm"
)

// incomeKey is a row of stat_incomes.
type incomeKey struct {
	region string
	year   int
}

// incomeVals are the additive figures of stat_incomes.
type incomeVals struct{ households, increased, increaseFen, plotFen int64 }

func (v *incomeVals) add(o incomeVals, sign int64) {
	v.households += sign * o.households
	v.increased += sign * o.increased
	v.increaseFen += sign * o.increaseFen
	v.plotFen += sign * o.plotFen
}

// incomeDelta collects signed changes of stat_incomes.
type incomeDelta map[incomeKey]*incomeVals

func (d incomeDelta) add(village string, year int, v incomeVals, sign int64) {
	if v == (incomeVals{}) {
		return
	}
	for _, code := range regionChain(village) {
		k := incomeKey{code, year}
		cur := d[k]
		if cur == nil {
			cur = &incomeVals{}
			d[k] = cur
		}
		cur.add(v, sign)
	}
}

// apply adds d to stat_incomes in the transaction's slot.
func (d incomeDelta) apply(tx *gorm.DB, slots *slotter) error {
	keys := sortedKeys(d, func(a, b incomeKey) int {
		return cmp.Or(cmp.Compare(a.region, b.region), cmp.Compare(a.year, b.year))
	})
	var rows [][]any
	for _, k := range keys {
		if v := d[k]; *v != (incomeVals{}) {
			slot, err := slots.get()
			if err != nil {
				return err
			}
			rows = append(rows, []any{k.region, k.year, slot, v.households, v.increased, v.increaseFen, v.plotFen})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	return upsert(tx, incTable, rows)
}

// household is what the income rollup needs of a household; nil when the
// household does not count (absent or deleted).
type household struct {
	village      string
	baselineYear int
	baselineFen  int64
}

func householdOf(h *Household) *household {
	if h == nil || h.DeletedAt.Valid {
		return nil
	}
	return &household{h.VillageCode, h.BaselineYear, h.BaselineIncomeFen}
}

// contribution is what one household-year adds to stat_incomes: a year
// after the baseline year with at least one income record counts the
// household, with increase = the year's income − the baseline income.
func (h *household) contribution(year int, incomeFen, records int64) incomeVals {
	if h == nil || records <= 0 || year <= h.baselineYear {
		return incomeVals{}
	}
	v := incomeVals{households: 1, increaseFen: incomeFen - h.baselineFen}
	if v.increaseFen > 0 {
		v.increased = 1
	}
	return v
}

// lockHousehold reads a household's state for the rollup, locking its row
// on MySQL so that income and household changes of one household apply
// one after the other.
func lockHousehold(tx *gorm.DB, id string) (*household, error) {
	var rows []Household
	err := tx.Raw("SELECT id, village_code, baseline_year, baseline_income_fen, deleted_at FROM households WHERE id = ?"+forUpdate(tx), id).
		Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("lock household: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return householdOf(&rows[0]), nil
}

type householdYear struct {
	HouseholdID string
	Year        int
	IncomeFen   int64
	Records     int64
}

// applyIncome moves an income record's amount between household-years and
// the household's contribution to stat_incomes with it.
func applyIncome(tx *gorm.DB, slots *slotter, before, after *Income) error {
	changes := map[householdYear]householdYear{}
	for _, side := range []struct {
		r    *Income
		sign int64
	}{{before, -1}, {after, 1}} {
		if side.r == nil || side.r.DeletedAt.Valid {
			continue
		}
		k := householdYear{HouseholdID: side.r.HouseholdID, Year: side.r.Year}
		c := changes[k]
		c.IncomeFen += side.sign * side.r.IncomeFen
		c.Records += side.sign
		changes[k] = c
	}
	keys := sortedKeys(changes, func(a, b householdYear) int {
		return cmp.Or(cmp.Compare(a.HouseholdID, b.HouseholdID), cmp.Compare(a.Year, b.Year))
	})
	acc := incomeDelta{}
	for _, k := range keys {
		c := changes[k]
		if c.IncomeFen == 0 && c.Records == 0 {
			continue
		}
		if err := applyHouseholdYear(tx, k, c, acc); err != nil {
			return err
		}
	}
	return acc.apply(tx, slots)
}

func applyHouseholdYear(tx *gorm.DB, k householdYear, c householdYear, acc incomeDelta) error {
	h, err := lockHousehold(tx, k.HouseholdID)
	if err != nil {
		return err
	}
	if err := upsert(tx, hhTable, [][]any{{k.HouseholdID, k.Year, c.IncomeFen, c.Records}}); err != nil {
		return err
	}
	var now householdYear
	err = tx.Raw("SELECT household_id, year, income_fen, records FROM stat_household_years WHERE household_id = ? AND year = ?"+forUpdate(tx),
		k.HouseholdID, k.Year).Scan(&now).Error
	if err != nil {
		return fmt.Errorf("read stat_household_years: %w", err)
	}
	if h != nil {
		acc.add(h.village, k.Year, h.contribution(k.Year, now.IncomeFen-c.IncomeFen, now.Records-c.Records), -1)
		acc.add(h.village, k.Year, h.contribution(k.Year, now.IncomeFen, now.Records), 1)
	}
	return nil
}

// applyHousehold re-counts every year of a household whose village,
// baseline or existence changed.
func applyHousehold(tx *gorm.DB, slots *slotter, before, after *Household) error {
	b, a := householdOf(before), householdOf(after)
	if (b == nil && a == nil) || (b != nil && a != nil && *b == *a) {
		return nil
	}
	id := before
	if id == nil {
		id = after
	}
	if _, err := lockHousehold(tx, id.ID); err != nil {
		return err
	}
	var years []householdYear
	err := tx.Raw("SELECT household_id, year, income_fen, records FROM stat_household_years WHERE household_id = ?"+forUpdate(tx), id.ID).
		Scan(&years).Error
	if err != nil {
		return fmt.Errorf("read stat_household_years: %w", err)
	}
	acc := incomeDelta{}
	for _, y := range years {
		if b != nil {
			acc.add(b.village, y.Year, b.contribution(y.Year, y.IncomeFen, y.Records), -1)
		}
		if a != nil {
			acc.add(a.village, y.Year, a.contribution(y.Year, y.IncomeFen, y.Records), 1)
		}
	}
	return acc.apply(tx, slots)
}

// harvestYear is the year of a harvest's date, 0 when it has none.
func harvestYear(h *Harvest) int {
	if h == nil || h.DeletedAt.Valid || len(h.HarvestedOn) < 4 {
		return 0
	}
	y, err := strconv.Atoi(h.HarvestedOn[:4])
	if err != nil {
		return 0
	}
	return y
}

// plotIncrease is a harvest's plot-based income increase: the per-mu
// increase times the plot's area, rounded to the fen.
func plotIncrease(perMuFen, areaCmu int64) int64 {
	p := perMuFen * areaCmu
	if p >= 0 {
		return (p + 50) / 100
	}
	return -((-p + 50) / 100)
}
