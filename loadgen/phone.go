package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"net/url"
	"time"
)

// phone is one simulated commissioner's phone: what it holds and its link.
type phone struct {
	id      Identity
	cfg     *Config
	c       *Client
	pool    *PhotoPool
	rng     *rand.Rand
	run     *Runner
	round   int
	records []*held
	photos  []*heldPhoto
	cursor  string
	refresh string          // the refresh token of a phone signed in before the run
	seen    map[string]bool // ids of records and photos seen in pulls
}

// loop runs rounds of field work (at least one) until the run says stop,
// and returns why the phone stopped when that was not the end of the run.
func (p *phone) loop(ctx context.Context) error {
	for ; ; p.round++ {
		if err := p.work(ctx); err != nil {
			return fmt.Errorf("phone %s: %w", p.id.Phone, err)
		}
		if p.run.stopping() || p.fieldTime(ctx) != nil || p.run.stopping() {
			return nil
		}
	}
}

// fieldTime waits while the commissioner is out of signal between two
// rounds: a time drawn evenly from half to one and a half times the
// configured pause, and never past the end of the run.
func (p *phone) fieldTime(ctx context.Context) error {
	if p.cfg.Pause <= 0 {
		return nil
	}
	d := p.cfg.Pause/2 + time.Duration(p.rng.Int63n(int64(p.cfg.Pause)+1))
	return sleep(ctx, min(d, time.Until(p.run.stopAt)))
}

// work is one round: log in when needed (refresh the token of a phone
// signed in before the run), pull, record days of work offline, push it,
// upload the photos and pull again.
func (p *phone) work(ctx context.Context) error {
	if p.c.Token() == "" && p.refresh != "" {
		if tok, _, err := p.c.Refresh(ctx, p.refresh); err == nil {
			p.c.SetToken(tok)
		}
		p.refresh = ""
	}
	if p.c.Token() == "" {
		tok, err := p.c.Login(ctx, p.id.Phone, p.id.Password)
		if err != nil {
			return err
		}
		p.c.SetToken(tok)
	}
	if err := p.pull(ctx, p.c); err != nil {
		return err
	}
	p.recordDays()
	if err := p.push(ctx); err != nil {
		return err
	}
	if err := p.upload(ctx); err != nil {
		return err
	}
	return p.pull(ctx, p.c)
}

// pull reads every change after the phone's cursor through c and notes
// the records it sees.
func (p *phone) pull(ctx context.Context, c *Client) error {
	for range 1000 {
		q := url.Values{"limit": {"500"}}
		if p.cursor != "" {
			q.Set("cursor", p.cursor)
		}
		var out struct {
			Changes    []Pulled `json:"changes"`
			NextCursor string   `json:"next_cursor"`
			HasMore    bool     `json:"has_more"`
		}
		if _, err := c.JSON(ctx, "GET /sync/pull", "GET", "/api/v1/sync/pull?"+q.Encode(), nil, &out); err != nil {
			return err
		}
		for _, ch := range out.Changes {
			var rec struct {
				ID string `json:"id"`
			}
			if (ch.Type == "visit" || ch.Type == "training" || ch.Type == "photo") && json.Unmarshal(ch.Record, &rec) == nil {
				p.seen[rec.ID] = true
			}
		}
		if out.NextCursor != "" {
			p.cursor = out.NextCursor
		}
		if !out.HasMore {
			return nil
		}
	}
	return fmt.Errorf("sync pull did not end after 1000 pages")
}

// push sends the records not acknowledged yet in batches.
func (p *phone) push(ctx context.Context) error {
	var pending []*held
	for _, r := range p.records {
		if !r.Acked && r.Rejected == "" {
			pending = append(pending, r)
		}
	}
	for len(pending) > 0 {
		n := min(len(pending), p.cfg.Batch)
		if err := p.pushBatch(ctx, pending[:n]); err != nil {
			return err
		}
		pending = pending[n:]
	}
	return nil
}

func (p *phone) pushBatch(ctx context.Context, batch []*held) error {
	changes := make([]Change, len(batch))
	for i, r := range batch {
		changes[i] = Change{Type: r.Type, Op: "upsert", Record: r.Record}
	}
	body, err := json.Marshal(map[string]any{"device_id": "loadgen-" + p.id.Phone, "changes": changes})
	if err != nil {
		return err
	}
	call := Call{Endpoint: "POST /sync/push", Method: "POST", Path: "/api/v1/sync/push", Body: body, Race: p.races()}
	res, err := p.c.Do(ctx, call)
	if err != nil {
		return err
	}
	var out struct {
		Results []PushResult `json:"results"`
	}
	if err := decode(call.Endpoint, res, &out); err != nil {
		for _, r := range batch {
			r.Rejected = fmt.Sprintf("push %d", res.Status)
			p.run.reject(r.Rejected, err.Error())
		}
		return nil
	}
	if len(out.Results) != len(batch) {
		return fmt.Errorf("sync push: %d results for %d changes", len(out.Results), len(batch))
	}
	for i, r := range batch {
		p.settle(r, out.Results[i])
	}
	return nil
}

// settle applies one push result to the record it answers.
func (p *phone) settle(r *held, res PushResult) {
	switch {
	case res.ID != "" && res.ID != r.ID:
		r.Rejected = "wrong id"
		p.run.reject(r.Rejected, fmt.Sprintf("pushed %s, result for %s", r.ID, res.ID))
	case res.Status == "created" || res.Status == "updated" || res.Status == "unchanged":
		r.Acked, r.Version = true, res.Version
		p.run.ack(r.Type, r.ID)
	default:
		r.Rejected = res.Status
		p.run.reject(res.Status, fmt.Sprintf("%s %s: %s", r.Type, r.ID, res.Error))
	}
}

func (p *phone) races() bool {
	return p.cfg.RaceRate > 0 && p.rng.Float64() < p.cfg.RaceRate
}
