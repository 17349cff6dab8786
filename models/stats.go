package models

import (
	"context"
	"fmt"
	"math"
	"time"
)

// Period is an inclusive range of calendar days in Asia/Shanghai, each
// YYYY-MM-DD.
type Period struct {
	From, To string
}

// YearPeriod is the period of one calendar year.
func YearPeriod(year int) Period {
	return Period{fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)}
}

// Instants returns the period as UTC instants [from, to).
func (p Period) Instants() (from, to time.Time) {
	f, _ := time.ParseInLocation(time.DateOnly, p.From, shanghai)
	t, _ := time.ParseInLocation(time.DateOnly, p.To, shanghai)
	return f.UTC(), t.AddDate(0, 0, 1).UTC()
}

// CoverageFigures are a region's village coverage in a period.
type CoverageFigures struct {
	RuralVillages    int64   `json:"rural_villages"`
	AssignedVillages int64   `json:"assigned_villages"`
	VisitedVillages  int64   `json:"visited_villages"`
	AssignedRate     float64 `json:"assigned_rate"`
	VisitedRate      float64 `json:"visited_rate"`
}

// CoverageRow is one child region's coverage.
type CoverageRow struct {
	Code string `json:"code"`
	Name string `json:"name"`
	CoverageFigures
}

// Coverage is a region's coverage, in total and per child region.
type Coverage struct {
	Totals   CoverageFigures
	Children []CoverageRow
}

// childLen is the code length of a region's children (a village groups by
// itself).
func childLen(code string) int {
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

// ruralCode is the rule for a rural village (villagers' committee) on an
// assignment's village code: 12 digits ending in 200–399, the rule
// regions.rural is imported with (IsRuralCode).
const ruralCode = "LENGTH(a.village_code) = 12 AND SUBSTR(a.village_code, 10, 3) BETWEEN '200' AND '399'"

// activeAssignment is the rule for an assignment active in a period
// [from, to]: it started on or before to, and has no end or ended on or
// after from. Its arguments are to, from.
const activeAssignment = "a.deleted_at IS NULL AND a.start_date <= ? AND (a.end_date = '' OR a.end_date >= ?)"

// Coverage counts, for region and each of its children, the rural villages
// (villagers' committees), those with an assignment active in the period
// (a commissioner's or a team's) and those visited at least once.
func (db *DB) Coverage(ctx context.Context, region string, p Period) (*Coverage, error) {
	var children []Region
	if err := db.WithContext(ctx).Where("parent_code = ?", region).Order("code").Find(&children).Error; err != nil {
		return nil, fmt.Errorf("coverage children: %w", err)
	}
	groups, err := db.coverageGroups(ctx, region, childLen(region), p)
	if err != nil {
		return nil, err
	}
	out := &Coverage{Children: make([]CoverageRow, 0, len(children))}
	for _, g := range groups {
		out.Totals.RuralVillages += g.RuralVillages
		out.Totals.AssignedVillages += g.AssignedVillages
		out.Totals.VisitedVillages += g.VisitedVillages
	}
	out.Totals.rates()
	for _, ch := range children {
		f := groups[ch.Code]
		f.rates()
		out.Children = append(out.Children, CoverageRow{Code: ch.Code, Name: ch.Name, CoverageFigures: f})
	}
	return out, nil
}

func (f *CoverageFigures) rates() {
	f.AssignedRate = ratio(f.AssignedVillages, f.RuralVillages)
	f.VisitedRate = ratio(f.VisitedVillages, f.RuralVillages)
}

// ratio is a/b rounded to four decimals, 0 when b is 0.
func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return math.Round(float64(a)/float64(b)*10000) / 10000
}

// coverageGroups counts coverage under region grouped by the first n
// characters of the village codes.
func (db *DB) coverageGroups(ctx context.Context, region string, n int, p Period) (map[string]CoverageFigures, error) {
	lo, hi := PrefixRange(region)
	var rural, assigned, visited []coverageCount
	q := db.WithContext(ctx)
	// The three counts are read at once, on connections of their own.
	err := Together(func() error {
		return q.Raw("SELECT SUBSTR(code, 1, ?) AS g, COUNT(*) AS n FROM regions WHERE code >= ? AND code < ? AND rural = ? GROUP BY g",
			n, lo, hi, true).Scan(&rural).Error
	}, func() error {
		return q.Raw("SELECT SUBSTR(a.village_code, 1, ?) AS g, COUNT(DISTINCT a.village_code) AS n FROM assignments a "+
			"WHERE a.village_code >= ? AND a.village_code < ? AND "+ruralCode+" AND "+activeAssignment+" GROUP BY g",
			n, lo, hi, p.To, p.From).Scan(&assigned).Error
	}, func() (err error) {
		visited, err = db.visitedVillages(ctx, region, n, p)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("coverage of %s: %w", region, err)
	}
	return mergeCoverage(rural, assigned, visited), nil
}

// visitedVillages counts the rural villages under region visited in p,
// grouped by the first n characters of their codes.
func (db *DB) visitedVillages(ctx context.Context, region string, n int, p Period) ([]coverageCount, error) {
	coarse := len(region) < 12
	rows, err := db.countItems(ctx, []string{kindVillage}, fmt.Sprintf("SUBSTR(item, 1, %d)", n),
		"region_code = ? AND commissioner_id = ''", []any{region}, spanOf(p, coarse, coarse))
	out := make([]coverageCount, len(rows))
	for i, r := range rows {
		out[i] = coverageCount{G: r.G, N: r.N}
	}
	return out, err
}

// coverageCount is one group's count of one coverage figure.
type coverageCount struct {
	G string
	N int64
}

// mergeCoverage joins the counts of rural, assigned and visited villages
// by group.
func mergeCoverage(rural, assigned, visited []coverageCount) map[string]CoverageFigures {
	out := map[string]CoverageFigures{}
	for i, rows := range [][]coverageCount{rural, assigned, visited} {
		for _, r := range rows {
			f := out[r.G]
			switch i {
			case 0:
				f.RuralVillages = r.N
			case 1:
				f.AssignedVillages = r.N
			default:
				f.VisitedVillages = r.N
			}
			out[r.G] = f
		}
	}
	return out
}
