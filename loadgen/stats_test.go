package loadgen

import (
	"reflect"
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	var l []time.Duration
	for i := 1; i <= 100; i++ {
		l = append(l, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {90, 90 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {0.1, time.Millisecond}} {
		if got := Percentile(l, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
	if got := Percentile(nil, 50); got != 0 {
		t.Errorf("p50 of nothing = %v", got)
	}
	// Of 3 samples, p50 is the 2nd (rank ⌈1.5⌉) and p99 the 3rd.
	three := []time.Duration{1, 2, 3}
	if Percentile(three, 50) != 2 || Percentile(three, 99) != 3 {
		t.Errorf("p50, p99 of 1,2,3 = %v, %v", Percentile(three, 50), Percentile(three, 99))
	}
}

func TestStatsEndpointsAndErrors(t *testing.T) {
	s := NewStats()
	for _, ms := range []int{30, 10, 20} {
		s.Record("POST /sync/push", "200", time.Duration(ms)*time.Millisecond, 100)
	}
	s.Record("POST /sync/push", OutcomeDropped, 40*time.Millisecond, 100)
	s.Record("POST /photos", "503", 5*time.Millisecond, 1000)
	s.Record("POST /photos", "503", 5*time.Millisecond, 1000)
	s.Record("POST /photos", OutcomeNetwork, 0, 1000)
	if s.Requests() != 7 {
		t.Errorf("requests = %d, want 7", s.Requests())
	}
	want := map[string]int{"503": 2, OutcomeDropped: 1, OutcomeNetwork: 1}
	if got := s.Errors(); !reflect.DeepEqual(got, want) {
		t.Errorf("errors = %v, want %v", got, want)
	}
	eps := s.Endpoints()
	if len(eps) != 2 || eps[1].Name != "POST /sync/push" {
		t.Fatalf("endpoints = %+v", eps)
	}
	push := eps[1]
	if push.Count != 4 || push.P50 != Millis(20*time.Millisecond) || push.P99 != Millis(40*time.Millisecond) {
		t.Errorf("push = %+v, want 4 attempts, p50 20 ms, p99 40 ms", push)
	}
	if eps[0].Count != 3 || eps[0].P50 != Millis(5*time.Millisecond) {
		t.Errorf("photos = %+v, want 3 attempts (the network failure unsampled), p50 5 ms", eps[0])
	}
}
