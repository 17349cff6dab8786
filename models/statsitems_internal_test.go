package models

import (
	"fmt"
	"testing"
)

func TestSpanOf(t *testing.T) {
	cases := []struct {
		p             Period
		years, months bool
		want          string
	}{
		{YearPeriod(2024), true, true, "[2024] []"},
		{YearPeriod(2024), false, true, "[2024-01 2024-02 2024-03 2024-04 2024-05 2024-06 2024-07 2024-08 2024-09 2024-10 2024-11 2024-12] []"},
		{YearPeriod(2024), false, false, "[] [[2024-01-01 2024-12-31]]"},
		{Period{"2023-12-15", "2025-02-10"}, true, true, "[2024 2025-01] [[2023-12-15 2023-12-31] [2025-02-01 2025-02-10]]"},
		{Period{"2024-02-01", "2024-02-29"}, true, true, "[2024-02] []"},
		{Period{"2024-02-02", "2024-03-31"}, true, true, "[2024-03] [[2024-02-02 2024-02-29]]"},
		{Period{"2024-06-30", "2024-07-01"}, true, true, "[] [[2024-06-30 2024-07-01]]"},
	}
	for _, c := range cases {
		s := spanOf(c.p, c.years, c.months)
		if got := fmt.Sprint(s.whole, " ", s.ranges); got != c.want {
			t.Errorf("%v years=%v months=%v: %s, want %s", c.p, c.years, c.months, got, c.want)
		}
	}
}
