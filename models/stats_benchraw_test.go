package models_test

import (
	"fmt"

	"github.com/tepai/tepai/models"
)

// The raw baselines of the benchmarks: the same figures by plain GROUP BY
// queries over the record tables, with no aggregate.

type rawQuery struct {
	sql  string
	args []any
}

func runRaw(db *models.DB, qs []rawQuery) error {
	for _, q := range qs {
		var rows []map[string]any
		if err := db.Raw(q.sql, q.args...).Scan(&rows).Error; err != nil {
			return err
		}
	}
	return nil
}

func childLength(code string) int {
	switch len(code) {
	case 2:
		return 4
	case 4:
		return 6
	case 6:
		return 9
	}
	return 12
}

// rawCoverageSQL: rural, assigned and visited villages per child region.
func rawCoverageSQL(db *models.DB, region string, p models.Period) error {
	return runRaw(db, coverageQueries(region, childLength(region), p))
}

func coverageQueries(region string, n int, p models.Period) []rawQuery {
	lo, hi := models.PrefixRange(region)
	from, to := p.Instants()
	return []rawQuery{
		{"SELECT SUBSTR(code, 1, ?) AS g, COUNT(*) AS n FROM regions WHERE code >= ? AND code < ? AND rural = ? GROUP BY g",
			[]any{n, lo, hi, true}},
		{"SELECT SUBSTR(a.village_code, 1, ?) AS g, COUNT(DISTINCT a.village_code) AS n FROM assignments a " +
			"JOIN regions r ON r.code = a.village_code AND r.rural = ? WHERE a.village_code >= ? AND a.village_code < ? " +
			"AND a.deleted_at IS NULL AND a.start_date <= ? AND (a.end_date = '' OR a.end_date >= ?) GROUP BY g",
			[]any{n, true, lo, hi, p.To, p.From}},
		{"SELECT SUBSTR(v.village_code, 1, ?) AS g, COUNT(DISTINCT v.village_code) AS n FROM visits v " +
			"JOIN regions r ON r.code = v.village_code AND r.rural = ? WHERE v.deleted_at IS NULL AND v.village_code >= ? " +
			"AND v.village_code < ? AND v.started_at >= ? AND v.started_at < ? GROUP BY g", []any{n, true, lo, hi, from, to}},
	}
}

// rawServicesSQL: the service figures in total and per child region.
func rawServicesSQL(db *models.DB, region string, p models.Period) error {
	qs := serviceQueries(db, region, 0, p)
	return runRaw(db, append(qs, serviceQueries(db, region, childLength(region), p)...))
}

// serviceQueries groups by the first n characters of the region code, or
// not at all when n is 0.
func serviceQueries(db *models.DB, region string, n int, p models.Period) []rawQuery {
	lo, hi := models.PrefixRange(region)
	from, to := p.Instants()
	g, by := "'' AS g", ""
	if n > 0 {
		g, by = "SUBSTR(%s, 1, "+itoa(n)+") AS g", " GROUP BY g"
	}
	key := func(col string) string {
		if n == 0 {
			return g
		}
		return fmt.Sprintf(g, col)
	}
	visits := " FROM visits v WHERE v.deleted_at IS NULL AND v.village_code >= ? AND v.village_code < ? AND v.started_at >= ? AND v.started_at < ?"
	args := []any{lo, hi, from, to}
	qs := []rawQuery{
		{"SELECT " + key("v.village_code") + ", COUNT(*) AS visits, COUNT(DISTINCT " + pair(db, day(db, "v.started_at")) + ") AS days, " +
			"SUM(v.farmers_served) AS farmers, SUM(v.leaflets) AS leaflets" + visits + by, args},
		{"SELECT " + key("region_code") + ", COUNT(*) AS n, SUM(attendees) AS a FROM trainings WHERE deleted_at IS NULL " +
			"AND region_code >= ? AND region_code < ? AND held_at >= ? AND held_at < ?" + by, args},
		{"SELECT " + key("village_code") + ", COUNT(*) AS n, SUM(area_mu) AS a FROM plots WHERE deleted_at IS NULL " +
			"AND village_code >= ? AND village_code < ? AND established_on >= ? AND established_on <= ?" + by, []any{lo, hi, p.From, p.To}},
	}
	for _, col := range []string{"technologies", "varieties"} {
		from, item := jsonItems(db, col)
		qs = append(qs, rawQuery{"SELECT " + key("v.village_code") + ", COUNT(DISTINCT " + item + ") AS n" +
			from + visits[len(" FROM visits v"):] + by, args})
	}
	return qs
}

// jsonItems is the FROM clause of visits joined with the names of one of
// their JSON array columns, and the SQL of a name.
func jsonItems(db *models.DB, col string) (from, item string) {
	if db.Dialect == "mysql" {
		return " FROM visits v, JSON_TABLE(v." + col + ", '$[*]' COLUMNS (item VARCHAR(100) PATH '$')) AS j", "j.item"
	}
	return " FROM visits v, json_each(v." + col + ") AS j", "j.value"
}

// rawSummarySQL: the summary's aggregate-backed figures (coverage,
// services, income) for the region alone.
func rawSummarySQL(db *models.DB, region string, p models.Period) error {
	lo, hi := models.PrefixRange(region)
	qs := append(coverageQueries(region, len(region), p), serviceQueries(db, region, 0, p)...)
	qs = append(qs,
		rawQuery{"SELECT COUNT(*) AS n, SUM(CASE WHEN x.income > x.baseline THEN 1 ELSE 0 END) AS up, SUM(x.income - x.baseline) AS inc " +
			"FROM (SELECT h.id, h.baseline_income_fen AS baseline, SUM(i.income_fen) AS income FROM households h " +
			"JOIN incomes i ON i.household_id = h.id AND i.deleted_at IS NULL AND i.year = ? WHERE h.deleted_at IS NULL " +
			"AND h.village_code >= ? AND h.village_code < ? AND h.baseline_year < ? GROUP BY h.id, h.baseline_income_fen) x",
			[]any{2024, lo, hi, 2024}},
		rawQuery{"SELECT SUM(ROUND(h.income_increase_fen_per_mu * p.area_mu)) AS n FROM harvests h JOIN plots p ON p.id = h.plot_id " +
			"WHERE h.deleted_at IS NULL AND p.deleted_at IS NULL AND p.village_code >= ? AND p.village_code < ? " +
			"AND h.harvested_on >= ? AND h.harvested_on <= ?", []any{lo, hi, p.From, p.To}})
	return runRaw(db, qs)
}
