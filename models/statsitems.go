package models

import (
	"context"
	"fmt"
	"time"
)

// promoted are the kinds of items services count.
var promoted = []string{kindTechnology, kindVariety}

// itemGrains are the stat_items.day values a reference on day counts
// under at region level code: the day, and above village level also its
// month (YYYY-MM) and year (YYYY), so that distinct counts over whole
// months and years read a few rows per item instead of one per day.
func itemGrains(code, day string) []string {
	if len(code) >= 12 || len(day) != 10 {
		return []string{day}
	}
	return []string{day, day[:7], day[:4]}
}

// span is a period as stat_items reads it: whole years and months by
// their coarse rows, the other days by day rows.
type span struct {
	whole  []string    // YYYY and YYYY-MM values
	ranges [][2]string // inclusive day ranges
}

// spanOf splits p into whole years (when years), whole months (when
// months) and ranges of the remaining days.
func spanOf(p Period, years, months bool) span {
	var s span
	d, _ := time.Parse(time.DateOnly, p.From)
	end, _ := time.Parse(time.DateOnly, p.To)
	for !d.After(end) {
		switch {
		case years && d.YearDay() == 1 && !d.AddDate(1, 0, -1).After(end):
			s.whole = append(s.whole, d.Format("2006"))
			d = d.AddDate(1, 0, 0)
		case months && d.Day() == 1 && !d.AddDate(0, 1, -1).After(end):
			s.whole = append(s.whole, d.Format("2006-01"))
			d = d.AddDate(0, 1, 0)
		default:
			last := d.AddDate(0, 1, -d.Day())
			if last.After(end) {
				last = end
			}
			from, to := d.Format(time.DateOnly), last.Format(time.DateOnly)
			if n := len(s.ranges); n > 0 && s.ranges[n-1][1] == d.AddDate(0, 0, -1).Format(time.DateOnly) {
				s.ranges[n-1][1] = to
			} else {
				s.ranges = append(s.ranges, [2]string{from, to})
			}
			d = last.AddDate(0, 0, 1)
		}
	}
	return s
}

// countItems counts distinct items of kinds per group and kind among the
// stat_items rows matching where (with args) in the span. group is the SQL
// of the group key; where names one region, or group keeps regions apart.
// An item counts when the sum of its slots' references in the span is
// positive: each day's sum is its live references, never negative, while
// a single slot's may be (a reference added in one slot and taken away in
// another). One segment is counted by the database; several are read as
// distinct (group, kind, item) rows and merged.
func (db *DB) countItems(ctx context.Context, kinds []string, group, where string, args []any, s span) ([]itemRow, error) {
	base := " FROM stat_items WHERE " + where + " AND kind IN ? AND "
	args = append(append([]any{}, args...), kinds)
	var conds []string
	var condArgs [][]any
	if len(s.whole) > 0 {
		conds, condArgs = append(conds, "day IN ?"), append(condArgs, []any{s.whole})
	}
	for _, r := range s.ranges {
		conds, condArgs = append(conds, "LENGTH(day) = 10 AND day >= ? AND day <= ?"), append(condArgs, []any{r[0], r[1]})
	}
	q := db.WithContext(ctx)
	// The live rows: a key's slots summed, grouped in the primary key's
	// order, so the database groups as it reads; group applies to them.
	live := func(c string) string {
		return "(SELECT region_code, commissioner_id, kind, day, item" + base + c +
			" GROUP BY region_code, commissioner_id, kind, day, item HAVING SUM(n) > 0) i"
	}
	if len(conds) == 1 {
		var out []itemRow
		err := q.Raw("SELECT "+group+" AS g, kind, COUNT(DISTINCT item) AS n FROM "+live(conds[0])+" GROUP BY g, kind",
			append(args, condArgs[0]...)...).Scan(&out).Error
		return out, wrapItems(err)
	}
	seen := map[itemRow]map[string]bool{}
	for i, c := range conds {
		var rows []struct{ G, Kind, Item string }
		if err := q.Raw("SELECT DISTINCT "+group+" AS g, kind, item FROM "+live(c), append(args, condArgs[i]...)...).Scan(&rows).Error; err != nil {
			return nil, wrapItems(err)
		}
		for _, r := range rows {
			k := itemRow{G: r.G, Kind: r.Kind}
			if seen[k] == nil {
				seen[k] = map[string]bool{}
			}
			seen[k][r.Item] = true
		}
	}
	out := make([]itemRow, 0, len(seen))
	for k, items := range seen {
		out = append(out, itemRow{G: k.G, Kind: k.Kind, N: int64(len(items))})
	}
	return out, nil
}

func wrapItems(err error) error {
	if err != nil {
		return fmt.Errorf("count items: %w", err)
	}
	return nil
}
