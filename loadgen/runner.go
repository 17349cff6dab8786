package loadgen

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Runner runs one load: setup, the phones, and the verification.
type Runner struct {
	cfg      Config
	Stats    *Stats
	phones   []*phone
	start    time.Time
	stopAt   time.Time
	stopped  atomic.Bool
	baseline map[string]map[string]bool // type → ids stored before the run

	mu       sync.Mutex
	acked    map[string]string // id → type of everything the server acknowledged
	rejected map[string]int    // refusals by kind
	notes    map[string]int    // retries and fallbacks worth reporting
	samples  []string          // first few refusals, for the report
}

// New checks cfg and returns a runner for it.
func New(cfg Config) (*Runner, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.URLs = trimURLs(cfg.URLs)
	cfg.Ramp = min(cfg.Ramp, cfg.Duration)
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	return &Runner{cfg: cfg, Stats: NewStats(), acked: map[string]string{}, rejected: map[string]int{}, notes: map[string]int{}}, nil
}

// Run sets up the commissioners, runs the phones until the duration or the
// request budget is spent (and the rounds in flight have finished, for at
// most the grace time), then verifies against the server. The error is
// for a run that could not be carried out; a failed verification is in
// the report.
func (r *Runner) Run(ctx context.Context) (*Report, error) {
	admin := NewClient(r.cfg.URLs, cleanTransport(), nil)
	ids, err := Setup(ctx, r.cfg, admin)
	if err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	if r.baseline, err = r.snapshot(ctx, admin); err != nil {
		return nil, fmt.Errorf("count stored records: %w", err)
	}
	if err := r.makePhones(ids); err != nil {
		return nil, err
	}
	if r.cfg.SignedIn {
		if err := r.signIn(ctx); err != nil {
			return nil, fmt.Errorf("setup: %w", err)
		}
	}
	fmt.Fprintf(r.cfg.Out, "loadgen: %d phones ready in %s, running for %s\n", len(ids), r.cfg.Region, r.cfg.Duration)
	phoneErrs := r.runPhones(ctx)
	elapsed := time.Since(r.start)
	fmt.Fprintf(r.cfg.Out, "loadgen: phones done after %s; verifying\n", elapsed.Round(time.Millisecond))
	vctx, cancel := context.WithTimeout(ctx, verifyTimeout)
	v := r.verify(vctx, admin)
	cancel()
	return r.report(elapsed, v, phoneErrs), nil
}

// verifyTimeout bounds the verification at the end of a run: a server
// that stops answering fails the run rather than holding it for ever.
const verifyTimeout = 30 * time.Minute

// cleanTransport is a transport without simulated faults, for the admin.
func cleanTransport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 32
	return t
}

// phoneTransport gives phone i a source address of its own on IPv4
// loopback (127.0.0.2 to 127.0.0.251, shared beyond 250 phones as behind a
// carrier's NAT), so that the server sees phones, not one client, when it
// limits by IP. Targets on ::1 keep the default.
func phoneTransport(i int, urls []string) http.RoundTripper {
	t := cleanTransport().(*http.Transport)
	for _, u := range urls {
		if parsed, err := url.Parse(u); err != nil || (parsed.Hostname() != "127.0.0.1" && parsed.Hostname() != "localhost") {
			return t
		}
	}
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second,
		LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+i%250))}}
	t.DialContext = d.DialContext
	return t
}

func (r *Runner) makePhones(ids []Identity) error {
	pool, err := NewPhotoPool(4, r.cfg.PhotoKB, r.cfg.Seed)
	if err != nil {
		return err
	}
	for i, id := range ids {
		seed := r.cfg.Seed*100003 + int64(i)
		link := NewLink(phoneTransport(i, r.cfg.URLs), r.cfg.Latency, r.cfg.Bandwidth, r.cfg.DropRate, seed)
		p := &phone{id: id, cfg: &r.cfg, c: NewClient(r.cfg.URLs, link, r.Stats), pool: pool,
			rng: rand.New(rand.NewSource(seed)), run: r, seen: map[string]bool{}}
		p.c.SetLogin(func(ctx context.Context) (string, error) { return p.c.Login(ctx, id.Phone, id.Password) })
		r.phones = append(r.phones, p)
	}
	return nil
}

// signIn signs every phone in before the run, from its own address and
// without its link's faults or statistics, and keeps the refresh tokens:
// a phone in the field keeps its login from one day to the next, so a
// morning start refreshes tokens rather than checking passwords.
func (r *Runner) signIn(ctx context.Context) error {
	return parallel(ctx, len(r.phones), 4, func(i int) error {
		p := r.phones[i]
		c := NewClient(r.cfg.URLs, phoneTransport(i, r.cfg.URLs), nil)
		_, refresh, err := c.SignIn(ctx, p.id.Phone, p.id.Password)
		if err != nil {
			return fmt.Errorf("sign in %s: %w", p.id.Phone, err)
		}
		p.refresh = refresh
		return nil
	})
}

// runPhones runs every phone until it stops and returns their failures.
func (r *Runner) runPhones(ctx context.Context) []string {
	r.start = time.Now()
	r.Stats.SetOrigin(r.start)
	r.stopAt = r.start.Add(r.cfg.Duration)
	ctx, cancel := context.WithDeadline(ctx, r.stopAt.Add(r.cfg.Grace))
	defer cancel()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []string
	)
	for i, p := range r.phones {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Phones come into signal one after another over the ramp.
			if sleep(ctx, r.cfg.Ramp*time.Duration(i)/time.Duration(len(r.phones))) != nil {
				return
			}
			if err := p.loop(ctx); err != nil {
				mu.Lock()
				errs = append(errs, err.Error())
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errs
}

// stopping reports whether phones should start no new round.
func (r *Runner) stopping() bool {
	if r.stopped.Load() {
		return true
	}
	if time.Now().After(r.stopAt) || r.Stats.Requests() >= r.cfg.MaxRequests {
		r.stopped.Store(true)
	}
	return r.stopped.Load()
}

// Stop makes phones start no new round.
func (r *Runner) Stop() { r.stopped.Store(true) }

func (r *Runner) ack(typ, id string) {
	r.mu.Lock()
	r.acked[id] = typ
	r.mu.Unlock()
}

func (r *Runner) reject(kind, sample string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rejected[kind]++
	sample = strings.Join(strings.Fields(sample), " ")
	if len(sample) > 240 {
		sample = sample[:240] + "…"
	}
	if len(r.samples) < 10 {
		r.samples = append(r.samples, kind+": "+sample)
	}
}

func (r *Runner) note(kind string) {
	r.mu.Lock()
	r.notes[kind]++
	r.mu.Unlock()
}

// Acked returns the id and type of everything the server has acknowledged
// so far (records by type name, photos as "photo").
func (r *Runner) Acked() map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]string, len(r.acked))
	for k, v := range r.acked {
		out[k] = v
	}
	return out
}

// AckedCount counts what the server has acknowledged so far.
func (r *Runner) AckedCount() (records, photos int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, t := range r.acked {
		if t == "photo" {
			photos++
		} else {
			records++
		}
	}
	return records, photos
}
