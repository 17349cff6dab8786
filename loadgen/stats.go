package loadgen

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"sync"
	"time"
)

// Stats collects every request attempt the phones made: its latency (the
// server's share, without the simulated link's delays) by endpoint, and its
// outcome by status.
type Stats struct {
	mu       sync.Mutex
	start    time.Time
	lat      map[string][]time.Duration
	outcomes map[string]map[string]int
	requests int64
	bytesUp  int64
	// windows holds the latencies of each endpoint by the window of
	// windowLen, counted from origin, in which the attempt started: what a
	// herd start does to the first seconds shows there.
	origin  time.Time
	windows map[string]map[int][]time.Duration
}

// windowLen is the length of the windows Windows summarises.
const windowLen = 10 * time.Second

// NewStats starts counting now.
func NewStats() *Stats {
	now := time.Now()
	return &Stats{start: now, origin: now, lat: map[string][]time.Duration{}, outcomes: map[string]map[string]int{},
		windows: map[string]map[int][]time.Duration{}}
}

// SetOrigin makes the windows count from t (when the phones start).
func (s *Stats) SetOrigin(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.origin = t
}

// Outcome names besides HTTP status codes.
const (
	OutcomeDropped = "dropped" // the link lost the response
	OutcomeNetwork = "network" // the request did not get an answer
)

// Record counts one attempt at endpoint with its outcome (a status code or
// one of the Outcome names) and latency; a zero latency is not sampled.
func (s *Stats) Record(endpoint, outcome string, latency time.Duration, bytesUp int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	s.bytesUp += bytesUp
	if latency > 0 {
		s.lat[endpoint] = append(s.lat[endpoint], latency)
		w := s.windows[endpoint]
		if w == nil {
			w = map[int][]time.Duration{}
			s.windows[endpoint] = w
		}
		i := max(0, int(time.Since(s.origin.Add(latency))/windowLen))
		w[i] = append(w[i], latency)
	}
	m := s.outcomes[endpoint]
	if m == nil {
		m = map[string]int{}
		s.outcomes[endpoint] = m
	}
	m[outcome]++
}

// Requests is the number of attempts so far.
func (s *Stats) Requests() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// Percentile is the nearest-rank p-th percentile (0 < p ≤ 100) of sorted.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// Endpoint is the summary of one endpoint's attempts.
type Endpoint struct {
	Name     string         `json:"name"`
	Count    int            `json:"count"`
	P50      Millis         `json:"p50_ms"`
	P90      Millis         `json:"p90_ms"`
	P99      Millis         `json:"p99_ms"`
	Max      Millis         `json:"max_ms"`
	Outcomes map[string]int `json:"outcomes"`
}

// Millis is a duration written as fractional milliseconds.
type Millis time.Duration

// MarshalJSON writes m as milliseconds.
func (m Millis) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(m)/float64(time.Millisecond), 'f', 2, 64), nil
}

// UnmarshalJSON reads milliseconds.
func (m *Millis) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("milliseconds: %w", err)
	}
	*m = Millis(f * float64(time.Millisecond))
	return nil
}

// String prints m as milliseconds.
func (m Millis) String() string {
	return strconv.FormatFloat(float64(m)/float64(time.Millisecond), 'f', 1, 64)
}

// Endpoints summarises each endpoint, ordered by name.
func (s *Stats) Endpoints() []Endpoint {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Endpoint
	for name, outcomes := range s.outcomes {
		l := append([]time.Duration(nil), s.lat[name]...)
		sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
		e := Endpoint{Name: name, Outcomes: map[string]int{}}
		for k, v := range outcomes {
			e.Outcomes[k] = v
			e.Count += v
		}
		e.P50, e.P90, e.P99 = Millis(Percentile(l, 50)), Millis(Percentile(l, 90)), Millis(Percentile(l, 99))
		if len(l) > 0 {
			e.Max = Millis(l[len(l)-1])
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Window is the latency of one endpoint's attempts that started in one
// window of the run.
type Window struct {
	Endpoint string  `json:"endpoint"`
	FromS    float64 `json:"from_s"`
	Count    int     `json:"count"`
	P50      Millis  `json:"p50_ms"`
	P99      Millis  `json:"p99_ms"`
}

// Windows summarises each endpoint's latencies by window, in endpoint and
// time order.
func (s *Stats) Windows() []Window {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Window
	for name, w := range s.windows {
		for i, l := range w {
			l = append([]time.Duration(nil), l...)
			sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
			out = append(out, Window{Endpoint: name, FromS: (time.Duration(i) * windowLen).Seconds(), Count: len(l),
				P50: Millis(Percentile(l, 50)), P99: Millis(Percentile(l, 99))})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Endpoint != out[j].Endpoint {
			return out[i].Endpoint < out[j].Endpoint
		}
		return out[i].FromS < out[j].FromS
	})
	return out
}

// Errors counts the attempts that did not succeed, by outcome: HTTP
// statuses of 400 and above, drops and network failures.
func (s *Stats) Errors() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for _, outcomes := range s.outcomes {
		for k, v := range outcomes {
			if code, err := strconv.Atoi(k); err == nil && code < 400 {
				continue
			}
			out[k] += v
		}
	}
	return out
}
