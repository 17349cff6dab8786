package bounds

import (
	"math"
	"testing"
	"time"
)

func TestPoint(t *testing.T) {
	cases := []struct {
		lat, lng float64
		in       bool
	}{
		{30.25, 120.17, true}, {3, 73, true}, {54, 136, true},
		{2.999, 100, false}, {54.001, 100, false}, {30, 72.999, false}, {30, 136.001, false},
		{89.9, 179.9, false}, {0, 0, false}, {-30, -120, false}, {math.NaN(), 120, false}, {30, math.Inf(1), false},
	}
	for _, c := range cases {
		if got := Point(c.lat, c.lng); got != c.in {
			t.Errorf("Point(%v, %v) = %v, want %v", c.lat, c.lng, got, c.in)
		}
	}
}

func TestTime(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		t  time.Time
		in bool
	}{
		{now, true},
		{now.Add(24 * time.Hour), true},
		{now.Add(24*time.Hour + time.Second), false},
		{time.Date(1999, 12, 31, 16, 0, 0, 0, time.UTC), true},    // 2000-01-01 00:00 in Shanghai
		{time.Date(1999, 12, 31, 15, 59, 59, 0, time.UTC), false}, // a second before
		{time.Time{}, false},
		{time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), false},
	}
	for _, c := range cases {
		if got := Time(c.t, now); got != c.in {
			t.Errorf("Time(%v) = %v, want %v", c.t, got, c.in)
		}
	}
}
