package loadgen

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Link is an http.RoundTripper that behaves like a phone's field network:
// it adds latency to every exchange, limits the bandwidth each way, and
// drops a fraction of responses after the server has processed the
// request, so that the client must retry something that already happened.
type Link struct {
	Base      http.RoundTripper // the real transport; nil is http.DefaultTransport
	Latency   time.Duration     // added once per round trip
	Bandwidth int64             // bytes per second each way; 0 is unlimited
	DropRate  float64           // fraction of responses read and then lost

	mu  sync.Mutex
	rng *rand.Rand
}

// NewLink returns a Link whose drops follow seed.
func NewLink(base http.RoundTripper, latency time.Duration, bandwidth int64, dropRate float64, seed int64) *Link {
	return &Link{Base: base, Latency: latency, Bandwidth: bandwidth, DropRate: dropRate, rng: rand.New(rand.NewSource(seed))}
}

// DropError is the error a Link returns for a response it dropped.
type DropError struct {
	Status int // what the server had answered
}

// Error says that the link lost the answer, and what it was.
func (e *DropError) Error() string {
	return fmt.Sprintf("response dropped by the simulated link (server answered %d)", e.Status)
}

// delayKey carries a *atomic.Int64 that sums the nanoseconds a Link spent
// simulating the network for one request, so that the server's share of
// the latency can be told apart.
type delayKey struct{}

// WithDelayMeter returns a context in which Links add their simulated
// delays to the returned counter.
func WithDelayMeter(ctx context.Context) (context.Context, *atomic.Int64) {
	var n atomic.Int64
	return context.WithValue(ctx, delayKey{}, &n), &n
}

func addDelay(ctx context.Context, d time.Duration) {
	if n, ok := ctx.Value(delayKey{}).(*atomic.Int64); ok {
		n.Add(int64(d))
	}
}

// RoundTrip sends req over the simulated link.
func (l *Link) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if err := sleep(ctx, l.Latency); err != nil {
		return nil, err
	}
	addDelay(ctx, l.Latency)
	if l.Bandwidth > 0 && req.Body != nil && req.Body != http.NoBody {
		req = req.Clone(ctx)
		req.Body = &throttled{r: req.Body, c: req.Body, bps: l.Bandwidth, ctx: ctx}
	}
	base := l.Base
	if base == nil {
		base = http.DefaultTransport
	}
	res, err := base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if l.Bandwidth > 0 {
		res.Body = &throttled{r: res.Body, c: res.Body, bps: l.Bandwidth, ctx: ctx}
	}
	if l.drop() {
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return nil, &DropError{Status: res.StatusCode}
	}
	return res, nil
}

func (l *Link) drop() bool {
	if l.DropRate <= 0 {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rng == nil {
		l.rng = rand.New(rand.NewSource(1))
	}
	return l.rng.Float64() < l.DropRate
}

// throttled is a body that passes at most bps bytes per second.
type throttled struct {
	r   io.Reader
	c   io.Closer
	bps int64
	ctx context.Context
}

// Read passes at most a twentieth of a second's worth of bytes and waits
// as long as they take on the link.
func (t *throttled) Read(p []byte) (int, error) {
	if chunk := int(t.bps/20) + 1; len(p) > chunk {
		p = p[:chunk]
	}
	n, err := t.r.Read(p)
	if n > 0 {
		d := time.Duration(int64(n) * int64(time.Second) / t.bps)
		addDelay(t.ctx, d)
		if serr := sleep(t.ctx, d); serr != nil && err == nil {
			err = serr
		}
	}
	return n, err
}

// Close closes the underlying body.
func (t *throttled) Close() error { return t.c.Close() }

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
