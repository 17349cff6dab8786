package models

import (
	"context"
	"fmt"
)

// Coverage gap kinds.
const (
	// GapUnassigned lists rural villages with no assignment active in the
	// period.
	GapUnassigned = "unassigned"
	// GapUnvisited lists rural villages with no visit in the period.
	GapUnvisited = "unvisited"
)

// GapVillage is a rural village in a coverage gap, with its township.
type GapVillage struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Level      string `json:"level"`
	ParentCode string `json:"parent_code"`
	ParentName string `json:"parent_name"`
	Rural      bool   `json:"rural"`
}

// CoverageGaps returns up to limit rural villages under region of the gap
// kind, in code order, after the code after ("" from the start).
func (db *DB) CoverageGaps(ctx context.Context, region string, p Period, kind, after string, limit int) ([]GapVillage, error) {
	var missing string
	var args []any
	switch kind {
	case GapUnassigned:
		missing = "SELECT 1 FROM assignments a WHERE a.village_code = r.code AND " + activeAssignment
		args = []any{p.To, p.From}
	case GapUnvisited:
		missing = "SELECT 1 FROM stat_visit_days s WHERE s.region_code = r.code AND s.day >= ? AND s.day <= ?"
		args = []any{p.From, p.To}
	default:
		return nil, fmt.Errorf("unknown gap kind %q", kind)
	}
	lo, hi := PrefixRange(region)
	var out []GapVillage
	err := db.WithContext(ctx).Raw("SELECT r.code, r.name, r.level, r.parent_code, COALESCE(t.name, '') AS parent_name, r.rural "+
		"FROM regions r LEFT JOIN regions t ON t.code = r.parent_code "+
		"WHERE r.code >= ? AND r.code < ? AND r.code > ? AND r.rural = ? AND NOT EXISTS ("+missing+") ORDER BY r.code LIMIT ?",
		append(append([]any{lo, hi, after, true}, args...), limit)...).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("coverage gaps of %s: %w", region, err)
	}
	return out, nil
}

// EachCoverageGap calls fn for every village of the gap kind under region,
// reading them a page at a time.
func (db *DB) EachCoverageGap(ctx context.Context, region string, p Period, kind string, fn func(GapVillage) error) error {
	after := ""
	for {
		page, err := db.CoverageGaps(ctx, region, p, kind, after, 1000)
		if err != nil {
			return err
		}
		for _, g := range page {
			if err := fn(g); err != nil {
				return err
			}
		}
		if len(page) < 1000 {
			return nil
		}
		after = page[len(page)-1].Code
	}
}
