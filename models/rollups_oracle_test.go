package models_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/tepai/tepai/models"
)

// snapshot lists the non-zero rows of every aggregate table.
func snapshot(t *testing.T, db *models.DB) []string {
	t.Helper()
	// Aggregate rows are split into slots (migration 0035): a key's
	// figures are the sums of its slots.
	queries := []string{
		"SELECT region_code, day, commissioner_id, SUM(visits) AS visits, SUM(farmers) AS farmers, SUM(leaflets) AS leaflets, " +
			"SUM(trainings) AS trainings, SUM(trainees) AS trainees, SUM(plots) AS plots, SUM(plot_area_cmu) AS plot_area_cmu " +
			"FROM stat_activity GROUP BY region_code, day, commissioner_id " +
			"HAVING SUM(visits) <> 0 OR SUM(farmers) <> 0 OR SUM(leaflets) <> 0 OR SUM(trainings) <> 0 OR SUM(trainees) <> 0 OR SUM(plots) <> 0 OR SUM(plot_area_cmu) <> 0",
		"SELECT region_code, day, SUM(visits) AS visits, SUM(visit_days) AS visit_days, SUM(farmers) AS farmers, SUM(leaflets) AS leaflets, " +
			"SUM(trainings) AS trainings, SUM(trainees) AS trainees, SUM(plots) AS plots, SUM(plot_area_cmu) AS plot_area_cmu " +
			"FROM stat_days GROUP BY region_code, day " +
			"HAVING SUM(visits) <> 0 OR SUM(visit_days) <> 0 OR SUM(farmers) <> 0 OR SUM(leaflets) <> 0 OR SUM(trainings) <> 0 OR SUM(trainees) <> 0 OR SUM(plots) <> 0 OR SUM(plot_area_cmu) <> 0",
		"SELECT region_code, commissioner_id, kind, day, item, SUM(n) AS n FROM stat_items GROUP BY region_code, commissioner_id, kind, day, item HAVING SUM(n) <> 0",
		"SELECT * FROM stat_household_years WHERE records <> 0 OR income_fen <> 0",
		"SELECT region_code, year, SUM(households) AS households, SUM(increased) AS increased, SUM(increase_fen) AS increase_fen, " +
			"SUM(plot_increase_fen) AS plot_increase_fen FROM stat_incomes GROUP BY region_code, year " +
			"HAVING SUM(households) <> 0 OR SUM(increased) <> 0 OR SUM(increase_fen) <> 0 OR SUM(plot_increase_fen) <> 0",
		"SELECT * FROM stat_visit_days",
		// A row with neither day says nothing (models/rollupcommissioners.go).
		"SELECT * FROM stat_commissioners WHERE last_visit <> '' OR last_training <> ''",
	}
	var out []string
	for i, q := range queries {
		var rows []map[string]any
		if err := db.Raw(q).Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			keys := make([]string, 0, len(r))
			for k := range r {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			var b strings.Builder
			fmt.Fprintf(&b, "%d", i)
			for _, k := range keys {
				v := r[k]
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, " %s=%v", k, v)
				if n, ok := v.(int64); ok && n < 0 && k != "increase_fen" && k != "plot_increase_fen" && k != "income_fen" {
					t.Errorf("negative count: %s", b.String())
				}
			}
			out = append(out, b.String())
		}
	}
	slices.Sort(out)
	return out
}

// checkRebuild compares the aggregates kept write by write with those a
// rebuild from the record tables gives.
func checkRebuild(t *testing.T, db *models.DB) {
	t.Helper()
	kept := snapshot(t, db)
	if len(kept) == 0 {
		t.Fatal("no aggregates")
	}
	if err := db.RebuildRollups(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	rebuilt := snapshot(t, db)
	if strings.Join(kept, "\n") != strings.Join(rebuilt, "\n") {
		for _, k := range kept {
			if !slices.Contains(rebuilt, k) {
				t.Errorf("kept only:    %s", k)
			}
		}
		for _, r := range rebuilt {
			if !slices.Contains(kept, r) {
				t.Errorf("rebuilt only: %s", r)
			}
		}
	}
}

var oraclePeriods = []models.Period{
	models.YearPeriod(2024), models.YearPeriod(2025), {From: "2023-12-31", To: "2024-01-01"},
	{From: "2024-07-01", To: "2024-12-31"}, {From: "2025-01-01", To: "2025-01-01"}, {From: "2023-01-01", To: "2025-12-31"},
	{From: "2023-12-15", To: "2025-01-10"}, {From: "2024-06-30", To: "2024-07-01"},
}

// checkAgainstRaw compares every figure with plain queries over the record
// tables, for the county, its townships and villages, and each period.
func checkAgainstRaw(t *testing.T, db *models.DB) {
	t.Helper()
	ctx := context.Background()
	regions := append([]string{"330824", "330824115", "330824116", "330824208"}, worldVillages...)
	for _, region := range regions {
		for _, p := range oraclePeriods {
			what := region + " " + p.From + ".." + p.To
			s, err := db.Services(ctx, region, p, models.GroupByMonth)
			if err != nil {
				t.Fatal(err)
			}
			raw := rawServices(t, db, region, p, "")
			if s.Totals != raw[""] {
				t.Errorf("%s services:\n kept %+v\n  raw %+v", what, s.Totals, raw[""])
			}
			byC, err := db.CommissionerServices(ctx, region, p)
			if err != nil {
				t.Fatal(err)
			}
			rawC := rawServices(t, db, region, p, "commissioner_id")
			if fmt.Sprint(byC) != fmt.Sprint(rawC) {
				t.Errorf("%s by commissioner:\n kept %+v\n  raw %+v", what, byC, rawC)
			}
			checkActivity(t, db, region, p)
			cov, err := db.Coverage(ctx, region, p)
			if err != nil {
				t.Fatal(err)
			}
			if v := rawVisited(t, db, region, p); cov.Totals.VisitedVillages != v {
				t.Errorf("%s visited villages: kept %d, raw %d", what, cov.Totals.VisitedVillages, v)
			}
		}
		for _, year := range []int{2023, 2024, 2025} {
			inc, err := db.Income(ctx, region, year)
			if err != nil {
				t.Fatal(err)
			}
			if raw := rawIncome(t, db, region, year); inc != raw {
				t.Errorf("%s %d income:\n kept %+v\n  raw %+v", region, year, inc, raw)
			}
		}
	}
}

// day returns the SQL of a UTC column's calendar day in Asia/Shanghai.
func day(db *models.DB, col string) string {
	if db.Dialect == "mysql" {
		return "DATE_FORMAT(DATE_ADD(" + col + ", INTERVAL 8 HOUR), '%Y-%m-%d')"
	}
	return "date(" + col + ", '+8 hours')"
}

func pair(db *models.DB, day string) string {
	if db.Dialect == "mysql" {
		return "CONCAT(commissioner_id, '|', " + day + ")"
	}
	return "commissioner_id || '|' || " + day
}

// names adds the trimmed, non-empty names of a JSON array (or of one name).
func names(set map[string]bool, raw string, jsonArray bool) {
	var list []string
	if jsonArray {
		_ = json.Unmarshal([]byte(raw), &list)
	} else {
		list = []string{raw}
	}
	for _, n := range list {
		if n = strings.TrimSpace(n); n != "" {
			set[n] = true
		}
	}
}

func round(v float64) int64 { return int64(math.Round(v)) }
