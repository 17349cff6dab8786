package loadgen

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// scripted answers the statuses in order (the last one from then on) and
// counts the requests; 429 and 503 carry Retry-After: 1.
func scripted(t *testing.T, statuses ...int) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		st := statuses[min(i, len(statuses)-1)]
		if r.Header.Get("Authorization") == "Bearer fresh" && st == 401 {
			st = 200
		}
		if st == 429 || st == 503 {
			w.Header().Set("Retry-After", "1")
		}
		w.WriteHeader(st)
		_, _ = io.WriteString(w, `{}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestClientRetries(t *testing.T) {
	for _, c := range []struct {
		name     string
		statuses []int
		want     int
		attempts int32
	}{
		{"429 honours Retry-After then succeeds", []int{429, 200}, 200, 2},
		{"503 then success", []int{503, 502, 200}, 200, 3},
		{"validation error is final", []int{422, 200}, 422, 1},
		{"conflict is final", []int{409, 200}, 409, 1},
		{"500 is retried a few times only", []int{500}, 500, 5},
		{"401 logs in again once", []int{401}, 200, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, n := scripted(t, c.statuses...)
			stats := NewStats()
			cl := NewClient([]string{srv.URL}, http.DefaultTransport, stats)
			cl.SetToken("stale")
			cl.SetLogin(func(context.Context) (string, error) { return "fresh", nil })
			res, err := cl.Do(t.Context(), Call{Endpoint: "GET /x", Method: "GET", Path: "/x"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != c.want || n.Load() != c.attempts || stats.Requests() != int64(c.attempts) {
				t.Errorf("status %d after %d attempts (%d recorded), want %d after %d", res.Status, n.Load(), stats.Requests(), c.want, c.attempts)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	for in, want := range map[string]time.Duration{"": 0, "2": 2 * time.Second, "999": 30 * time.Second, "-1": 0, "soon": 0} {
		if got := parseRetryAfter(in); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestClientRoundRobinsReplicas(t *testing.T) {
	a, na := scripted(t, 200)
	b, nb := scripted(t, 200)
	cl := NewClient([]string{a.URL, b.URL + "/"}, http.DefaultTransport, nil)
	for range 4 {
		if _, err := cl.Do(t.Context(), Call{Endpoint: "GET /x", Method: "GET", Path: "/x"}); err != nil {
			t.Fatal(err)
		}
	}
	if na.Load() != 2 || nb.Load() != 2 {
		t.Errorf("replicas got %d and %d requests, want 2 each", na.Load(), nb.Load())
	}
	race, err := cl.Do(t.Context(), Call{Endpoint: "POST /x", Method: "POST", Path: "/x", Body: []byte("{}"), Race: true})
	if err != nil || race.Status != 200 || na.Load() != 3 || nb.Load() != 3 {
		t.Errorf("a raced call reached %d and %d, want both once more (%v)", na.Load(), nb.Load(), err)
	}
}
