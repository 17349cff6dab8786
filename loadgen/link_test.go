package loadgen

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestLinkDropsResponseAfterServerProcessedIt(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(201)
		_, _ = io.WriteString(w, `{"id":"x"}`)
	}))
	defer srv.Close()
	link := NewLink(http.DefaultTransport, 0, 0, 1, 1)
	req, _ := http.NewRequest("POST", srv.URL, strings.NewReader("{}"))
	_, err := link.RoundTrip(req)
	var drop *DropError
	if !errors.As(err, &drop) || drop.Status != 201 {
		t.Fatalf("err = %v, want a DropError for status 201", err)
	}
	if hits.Load() != 1 {
		t.Fatalf("server saw %d requests, want 1", hits.Load())
	}
}

func TestLinkKeepsResponsesAtDropRateZero(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") }))
	defer srv.Close()
	link := NewLink(http.DefaultTransport, 0, 0, 0, 1)
	for range 20 {
		req, _ := http.NewRequest("GET", srv.URL, nil)
		res, err := link.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
}

// The simulated delays are summed, not measured: 30 ms latency, 1000
// bytes up and 500 down at 10,000 bytes/s (chunks of 501 bytes: 50.1 ms +
// 49.9 ms up, 50 ms down) make 180 ms.
func TestLinkMetersLatencyAndBandwidth(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, strings.Repeat("b", 500))
	}))
	defer srv.Close()
	link := NewLink(http.DefaultTransport, 30*time.Millisecond, 10000, 0, 1)
	ctx, meter := WithDelayMeter(t.Context())
	req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL, strings.NewReader(strings.Repeat("a", 1000)))
	res, err := link.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if len(body) != 500 {
		t.Fatalf("read %d bytes, want 500", len(body))
	}
	got := time.Duration(meter.Load())
	if want := 180 * time.Millisecond; got < want-time.Microsecond || got > want+time.Microsecond {
		t.Fatalf("simulated delay %v, want %v", got, want)
	}
}
