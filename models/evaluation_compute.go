package models

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// shanghai is the zone statistics and evaluations count calendar days and
// years in. China has kept UTC+8 without daylight saving since 1991, so a
// fixed zone is exact for every record the API accepts (none before 2000).
var shanghai = time.FixedZone("Asia/Shanghai", 8*3600)

// evalScope is the commissioners one run scores and the year it counts:
// commissioners whose home region is in the subtree of region and whose
// term overlaps the year (an empty term start or end is open).
type evalScope struct {
	year         int
	region       string
	from, to     string    // first and last date of the year
	fromT, toT   time.Time // [fromT, toT): the year in Asia/Shanghai, as UTC
	scopeSQL     string
	scopeArgs    []any
	dialectMySQL bool
}

func newEvalScope(db *DB, year int, region string) evalScope {
	y := strconv.Itoa(year)
	lo, hi := PrefixRange(region)
	s := evalScope{year: year, region: region, from: y + "-01-01", to: y + "-12-31",
		fromT:        time.Date(year, 1, 1, 0, 0, 0, 0, shanghai).UTC(),
		toT:          time.Date(year+1, 1, 1, 0, 0, 0, 0, shanghai).UTC(),
		dialectMySQL: db.Dialect == "mysql"}
	s.scopeSQL = "c.deleted_at IS NULL AND c.region_code >= ? AND c.region_code < ?" +
		" AND (c.term_start = '' OR c.term_start <= ?) AND (c.term_end = '' OR c.term_end >= ?)"
	s.scopeArgs = []any{lo, hi, s.to, s.from}
	return s
}

// args returns the scope's arguments followed by more.
func (s evalScope) args(more ...any) []any {
	return append(append([]any{}, s.scopeArgs...), more...)
}

// tally is one commissioner's row of a GROUP BY commissioner_id query.
type tally struct {
	CID string  `gorm:"column:cid"`
	A   float64 `gorm:"column:a"`
	B   float64 `gorm:"column:b"`
}

// values maps commissioner id → indicator key → value.
type values map[string]map[string]float64

func (v values) set(cid, key string, x float64) {
	if v[cid] == nil {
		v[cid] = map[string]float64{}
	}
	v[cid][key] = x
}

// tallies runs one GROUP BY query and stores its a and b columns as the
// indicators keyA and keyB (either may be "" to skip it).
func (db *DB) tallies(ctx context.Context, out values, keyA, keyB, query string, args []any) error {
	var rows []tally
	if err := db.WithContext(ctx).Raw(query, args...).Scan(&rows).Error; err != nil {
		return fmt.Errorf("evaluation %s: %w", keyA, err)
	}
	for _, r := range rows {
		if keyA != "" {
			out.set(r.CID, keyA, out[r.CID][keyA]+r.A)
		}
		if keyB != "" {
			out.set(r.CID, keyB, out[r.CID][keyB]+r.B)
		}
	}
	return nil
}

// indicatorValues computes every indicator of every commissioner in scope
// with one GROUP BY query per indicator (or pair of indicators).
func (db *DB) indicatorValues(ctx context.Context, s evalScope) (values, error) {
	out := values{}
	q := func(tmpl string) string { return fmt.Sprintf(tmpl, s.scopeSQL) }
	steps := []struct {
		a, b, sql string
		args      []any
	}{
		{"visits", "visit_days", q(sqlEvalVisits), s.args(s.from, s.to)},
		{"trainings", "trainees", q(sqlEvalTrainings), s.args(s.from, s.to)},
		{"plots", "plot_area_mu", q(sqlEvalPlots), s.args(s.from, s.to, s.fromT, s.toT)},
		{"demands_resolved", "", q(sqlEvalDemands), s.args(s.fromT, s.toT)},
		{"income_increase_fen", "", q(sqlEvalHouseholds), s.args(s.year, s.year)},
		{"income_increase_fen", "", fmt.Sprintf(sqlEvalHarvests, s.plotIncreaseSQL(), s.scopeSQL), s.args(s.from, s.to)},
		{"technologies", "", s.technologiesSQL(), s.technologiesArgs()},
	}
	for _, st := range steps {
		if err := db.tallies(ctx, out, st.a, st.b, st.sql, st.args); err != nil {
			return nil, err
		}
	}
	if err := db.villageRates(ctx, s, out); err != nil {
		return nil, err
	}
	for _, m := range out {
		if x, ok := m["income_increase_fen"]; ok {
			m["income_increase_fen"] = math.Round(x)
		}
	}
	return out, nil
}

// plotIncreaseSQL is a harvest's plot-based income increase in integer
// arithmetic, exactly as the statistics compute it (plotIncrease): the
// per-mu increase times the area in hundredths of a mu, divided by 100
// and rounded half away from zero. The limits keep the product below 1e13.
func (s evalScope) plotIncreaseSQL() string {
	x := "hv.income_increase_fen_per_mu * CAST(ROUND(p.area_mu * 100) AS INTEGER)"
	div := "/"
	if s.dialectMySQL {
		x = "hv.income_increase_fen_per_mu * CAST(ROUND(p.area_mu * 100) AS SIGNED)"
		div = "DIV"
	}
	return fmt.Sprintf("CASE WHEN %[1]s < 0 THEN -((50 - %[1]s) %[2]s 100) ELSE (%[1]s + 50) %[2]s 100 END", x, div)
}

// villageRates sets villages_visited_rate: of the villages assigned to the
// commissioner (directly or through a team) by an assignment active at
// some time in the year, the share it visited itself at least once in the
// year; 0 when it has no assigned village.
func (db *DB) villageRates(ctx context.Context, s evalScope, out values) error {
	var rows []tally
	args := append([]any{s.from, s.to}, s.args(s.to, s.from)...)
	args = append(args, s.args(s.to, s.from)...)
	query := fmt.Sprintf(sqlEvalVillages, s.scopeSQL, s.scopeSQL)
	if err := db.WithContext(ctx).Raw(query, args...).Scan(&rows).Error; err != nil {
		return fmt.Errorf("evaluation villages_visited_rate: %w", err)
	}
	for _, r := range rows {
		if r.A > 0 {
			out.set(r.CID, "villages_visited_rate", r.B/r.A)
		}
	}
	return nil
}

// technologiesSQL counts the distinct technologies and varieties (as
// (kind, name) pairs) named in the commissioner's visits and trainings of
// the year and its plots of the year (plotInYear).
func (s evalScope) technologiesSQL() string {
	parts := []string{
		s.jsonNames("T", "visits v", "v.technologies", "v.deleted_at IS NULL AND v.visit_date >= ? AND v.visit_date <= ?"),
		s.jsonNames("V", "visits v", "v.varieties", "v.deleted_at IS NULL AND v.visit_date >= ? AND v.visit_date <= ?"),
		s.jsonNames("T", "trainings t", "t.technologies", "t.deleted_at IS NULL AND t.held_date >= ? AND t.held_date <= ?"),
		fmt.Sprintf(sqlEvalPlotNames, "T", "p.technology", s.scopeSQL, "p.technology"),
		fmt.Sprintf(sqlEvalPlotNames, "V", "p.variety", s.scopeSQL, "p.variety"),
	}
	return "SELECT cid, COUNT(*) AS a, 0 AS b FROM (SELECT DISTINCT cid, kind, name FROM (" +
		strings.Join(parts, " UNION ALL ") + ") u) d GROUP BY cid"
}

func (s evalScope) technologiesArgs() []any {
	var args []any
	for range 3 {
		args = append(args, s.args(s.from, s.to)...)
	}
	for range 2 {
		args = append(args, s.args(s.from, s.to, s.fromT, s.toT)...)
	}
	return args
}

// jsonNames selects (cid, kind, name) for every string in the JSON array
// column col of table, on either dialect. MySQL's JSON_TABLE would unnest
// the array in one join, but neither TiDB nor MariaDB before 10.6 have
// it; MySQL dialects join the array's positions instead (jsonPositions),
// which all MySQL-compatible engines run.
func (s evalScope) jsonNames(kind, table, col, cond string) string {
	alias := strings.Fields(table)[1]
	valid := fmt.Sprintf("CASE WHEN json_valid(%s) THEN %s ELSE '[]' END", col, col)
	join := fmt.Sprintf("CROSS JOIN json_each(%s) AS j", valid)
	name, ok := "j.value", "j.type = 'text'"
	if s.dialectMySQL {
		item := fmt.Sprintf("JSON_EXTRACT(%s, CONCAT('$[', n.i, ']'))", valid)
		join = fmt.Sprintf("JOIN %s n ON n.i < JSON_LENGTH(%s)", jsonPositions, valid)
		name, ok = "JSON_UNQUOTE("+item+")", "JSON_TYPE("+item+") = 'STRING'"
	}
	return fmt.Sprintf("SELECT c.id AS cid, '%s' AS kind, %s AS name FROM commissioners c JOIN %s ON %s.commissioner_id = c.id %s WHERE %s AND %s AND %s <> '' AND %s",
		kind, name, table, alias, join, s.scopeSQL, ok, name, cond)
}

// jsonPositions is the derived table of array positions 0–99 (n.i) that
// jsonNames joins on MySQL dialects: records hold at most 50 names in a
// list (the API's limit), so every name is reached.
var jsonPositions = func() string {
	digits := "SELECT 0 AS d"
	for d := 1; d <= 9; d++ {
		digits += fmt.Sprintf(" UNION ALL SELECT %d", d)
	}
	return "(SELECT t.d * 10 + u.d AS i FROM (" + digits + ") t CROSS JOIN (" + digits + ") u)"
}()
