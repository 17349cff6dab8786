package loadgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Client talks to one or more tepai replicas (round-robin, one replica per
// attempt) and retries what a phone app retries: lost responses, network
// failures, 429 and 5xx (honouring Retry-After), and 401 after logging in
// again. It gives up when its context ends.
type Client struct {
	urls  []string
	next  atomic.Uint64
	http  *http.Client
	stats *Stats // nil records nothing

	mu    sync.Mutex
	token string
	login func(ctx context.Context) (string, error) // gets a fresh token on 401
}

// NewClient returns a client for the replicas at urls over transport,
// recording its attempts in stats (which may be nil).
func NewClient(urls []string, transport http.RoundTripper, stats *Stats) *Client {
	return &Client{urls: trimURLs(urls), http: &http.Client{Transport: transport, Timeout: 60 * time.Second}, stats: stats}
}

// Call is one logical request, sent again as is on every retry.
type Call struct {
	Endpoint    string            // name for the statistics, e.g. "POST /sync/push"
	Method      string            // HTTP method
	Path        string            // path below the base URL, with query
	Body        []byte            // request body, nil for none
	ContentType string            // of Body; "application/json" when empty and Body is set
	Header      map[string]string // extra headers
	NoAuth      bool              // send no bearer token
	Race        bool              // also send the first attempt to the next replica at once
}

// Response is a response read whole.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	Base   string // the replica that answered
}

// SetToken sets the bearer token sent with calls.
func (c *Client) SetToken(tok string) { c.mu.Lock(); c.token = tok; c.mu.Unlock() }

// Token returns the bearer token.
func (c *Client) Token() string { c.mu.Lock(); defer c.mu.Unlock(); return c.token }

// SetLogin sets how to get a fresh token when the server answers 401.
func (c *Client) SetLogin(fn func(ctx context.Context) (string, error)) { c.login = fn }

// Do sends call until it gets an answer that is not worth retrying, and
// returns that answer; it returns an error only when ctx ends first.
func (c *Client) Do(ctx context.Context, call Call) (*Response, error) {
	relogged := false
	for attempt := 0; ; attempt++ {
		var res *Response
		var err error
		if call.Race && attempt == 0 && len(c.urls) > 1 {
			res, err = c.race(ctx, call)
		} else {
			res, err = c.attempt(ctx, call, c.pick())
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s %s: %w", call.Method, call.Path, ctx.Err())
		}
		wait, retry := c.retryAfter(res, err, attempt)
		if res != nil && res.Status == http.StatusUnauthorized && !call.NoAuth && c.login != nil && !relogged {
			relogged, retry, wait = true, true, 0
			if tok, lerr := c.login(ctx); lerr == nil {
				c.SetToken(tok)
			}
		}
		if !retry {
			return res, nil
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%s %s: %w", call.Method, call.Path, err)
		}
	}
}

// retryAfter says whether to try again and after how long.
func (c *Client) retryAfter(res *Response, err error, attempt int) (time.Duration, bool) {
	backoff := min(100*time.Millisecond<<min(attempt, 6), 3*time.Second)
	backoff = backoff/2 + rand.N(backoff/2+1)
	if err != nil {
		return backoff, true
	}
	switch {
	case res.Status == http.StatusTooManyRequests || res.Status == http.StatusServiceUnavailable:
		if ra := parseRetryAfter(res.Header.Get("Retry-After")); ra > 0 {
			return ra, true
		}
		return backoff, true
	case res.Status == http.StatusBadGateway || res.Status == http.StatusGatewayTimeout:
		return backoff, true
	case res.Status >= 500:
		return backoff, attempt < 4 // a bug rather than an outage: a few tries only
	}
	return 0, false
}

// parseRetryAfter reads delay-seconds or an HTTP date, capped at 30 s.
func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
		return min(time.Duration(max(n, 0))*time.Second, 30*time.Second)
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(time.Until(t), 0), 30*time.Second)
	}
	return 0
}

func (c *Client) pick() string {
	return c.urls[int(c.next.Add(1)-1)%len(c.urls)]
}

// race sends the same attempt to two replicas at once, as a phone does
// when it gives up waiting and retries while the first request is still
// running, and prefers a success.
func (c *Client) race(ctx context.Context, call Call) (*Response, error) {
	a, b := c.pick(), c.pick()
	type result struct {
		res *Response
		err error
	}
	ch := make(chan result, 2)
	for _, base := range []string{a, b} {
		go func() { r, err := c.attempt(ctx, call, base); ch <- result{r, err} }()
	}
	r1, r2 := <-ch, <-ch
	if r1.err != nil || (r2.err == nil && r2.res.Status < r1.res.Status) {
		r1 = r2
	}
	return r1.res, r1.err
}

// attempt sends call once to base and records it.
func (c *Client) attempt(ctx context.Context, call Call, base string) (*Response, error) {
	ctx, meter := WithDelayMeter(ctx)
	req, err := c.request(ctx, call, base)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	res, err := c.http.Do(req)
	var body []byte
	if err == nil {
		body, err = io.ReadAll(res.Body)
		res.Body.Close()
	}
	latency := time.Since(start) - time.Duration(meter.Load())
	outcome := OutcomeNetwork
	var drop *DropError
	switch {
	case errors.As(err, &drop):
		outcome = OutcomeDropped
	case err == nil:
		outcome = strconv.Itoa(res.StatusCode)
	default:
		latency = 0
	}
	if c.stats != nil && ctx.Err() == nil {
		c.stats.Record(call.Endpoint, outcome, latency, int64(len(call.Body)))
	}
	if err != nil {
		return nil, err
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: body, Base: base}, nil
}

func (c *Client) request(ctx context.Context, call Call, base string) (*http.Request, error) {
	target := call.Path
	if !strings.HasPrefix(target, "http://") && !strings.HasPrefix(target, "https://") {
		target = base + call.Path
	}
	var body io.Reader
	if call.Body != nil {
		body = bytes.NewReader(call.Body)
	}
	req, err := http.NewRequestWithContext(ctx, call.Method, target, body)
	if err != nil {
		return nil, fmt.Errorf("build %s %s: %w", call.Method, call.Path, err)
	}
	if call.Body != nil {
		ct := call.ContentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	if tok := c.Token(); tok != "" && !call.NoAuth {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for k, v := range call.Header {
		req.Header.Set(k, v)
	}
	return req, nil
}
