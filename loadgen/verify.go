package loadgen

import (
	"context"
	"fmt"
	"net/url"
	"sync"
)

// Verification is what the end-of-run check against the server found.
// Every count but the totals must be zero for the run to pass.
type Verification struct {
	Records      int `json:"records"`       // records the phones hold
	RecordsAcked int `json:"records_acked"` // of them, acknowledged by the server
	Photos       int `json:"photos"`
	PhotosAcked  int `json:"photos_acked"`
	BytesChecked int `json:"photo_bytes_checked"` // stored photos downloaded and hashed

	Unacked          int `json:"unacked"`           // held but never acknowledged
	Missing          int `json:"missing"`           // acknowledged but not stored
	Duplicated       int `json:"duplicated"`        // stored more than once
	Mismatched       int `json:"mismatched"`        // stored with other content
	Unexpected       int `json:"unexpected"`        // new in the region, held by no phone
	PhotosMissing    int `json:"photos_missing"`    // acknowledged photo not listed under its owner
	PhotosDuplicated int `json:"photos_duplicated"` // listed more than once
	PhotosMismatched int `json:"photos_mismatched"` // listed with another hash or size
	PhotosUnexpected int `json:"photos_unexpected"` // listed under an owner, taken by no phone
	BytesBad         int `json:"photo_bytes_bad"`   // a photo row whose bytes are missing or differ
	SyncSkipped      int `json:"sync_skipped"`      // acknowledged, never seen in the phone's pulls

	// Partial is set when the server was restored from a backup taken
	// while some phones were still writing (a partial ledger): what they
	// had acknowledged after it is absent, counted in NotInBackup and not
	// as missing (nor as skipped by the pulls). Everything the server has
	// must still be exact: stored once, with its version and its photos'
	// bytes.
	Partial     bool `json:"partial,omitempty"`
	NotInBackup int  `json:"not_in_backup,omitempty"`

	Problems []string `json:"problems,omitempty"` // the first few findings
	OK       bool     `json:"ok"`

	absent map[string]bool // ids counted in NotInBackup
}

func (v *Verification) problem(format string, args ...any) {
	if len(v.Problems) < 20 {
		v.Problems = append(v.Problems, fmt.Sprintf(format, args...))
	}
}

// notStored counts an acknowledged record or photo the server does not
// have: missing or, held by a phone of a partial ledger, not in the backup.
func (v *Verification) notStored(id string, partial bool, missing *int, format string, args ...any) {
	if !partial {
		*missing++
		v.problem(format, args...)
		return
	}
	v.NotInBackup++
	v.absent[id] = true
}

func (v *Verification) settle() {
	v.OK = v.Unacked+v.Missing+v.Duplicated+v.Mismatched+v.Unexpected+v.PhotosMissing+v.PhotosDuplicated+
		v.PhotosMismatched+v.PhotosUnexpected+v.BytesBad+v.SyncSkipped == 0
}

// storedRecord is what the verification reads of a listed visit or training.
type storedRecord struct {
	ID            string `json:"id"`
	Version       int    `json:"version"`
	VillageCode   string `json:"village_code"`
	RegionCode    string `json:"region_code"`
	FarmersServed int    `json:"farmers_served"`
	Attendees     int    `json:"attendees"`
}

// recordPaths are the list endpoints of the record types the phones make.
var recordPaths = map[string]string{"visit": "/api/v1/visits", "training": "/api/v1/trainings"}

// listStored lists every stored record of type typ in the region.
func (r *Runner) listStored(ctx context.Context, admin *Client, typ string) ([]storedRecord, error) {
	return ListAll[storedRecord](ctx, admin, "GET "+recordPaths[typ][len("/api/v1"):], recordPaths[typ],
		url.Values{"region": {r.cfg.Region}}, 10000)
}

// snapshot returns the ids of the records stored in the region now.
func (r *Runner) snapshot(ctx context.Context, admin *Client) (map[string]map[string]bool, error) {
	out := map[string]map[string]bool{}
	for typ := range recordPaths {
		items, err := r.listStored(ctx, admin, typ)
		if err != nil {
			return nil, err
		}
		out[typ] = map[string]bool{}
		for _, it := range items {
			out[typ][it.ID] = true
		}
	}
	return out, nil
}

// verify checks that every record and photo the phones hold is stored
// exactly once, with its content, and reached the phone's sync pulls.
func (r *Runner) verify(ctx context.Context, admin *Client) Verification {
	v := Verification{absent: map[string]bool{}}
	for _, p := range r.phones {
		for _, h := range p.records {
			v.Partial = v.Partial || h.Partial
		}
	}
	if tok, err := admin.Login(ctx, r.cfg.AdminPhone, r.cfg.AdminPassword); err == nil {
		admin.SetToken(tok)
	}
	for typ := range recordPaths {
		items, err := r.listStored(ctx, admin, typ)
		if err != nil {
			v.problem("list %ss: %v", typ, err)
			v.Missing++
			continue
		}
		r.checkRecords(&v, typ, items)
	}
	r.checkPhotos(ctx, admin, &v)
	r.checkSync(ctx, &v)
	v.settle()
	if err := ctx.Err(); err != nil {
		v.OK = false
		v.problem("verification cut short: %v", err)
	}
	return v
}

// checkRecords compares the stored records of typ with the held ones.
func (r *Runner) checkRecords(v *Verification, typ string, items []storedRecord) {
	count := map[string]int{}
	byID := map[string]storedRecord{}
	for _, it := range items {
		count[it.ID]++
		byID[it.ID] = it
	}
	ours := map[string]bool{}
	for _, p := range r.phones {
		for _, h := range p.records {
			if h.Type != typ {
				continue
			}
			ours[h.ID] = true
			r.checkRecord(v, h, count[h.ID], byID[h.ID])
		}
	}
	for id, n := range count {
		if n > 1 && !ours[id] {
			v.Duplicated++
			v.problem("%s %s listed %d times", typ, id, n)
		}
		if !ours[id] && !r.baseline[typ][id] {
			v.Unexpected++
			v.problem("%s %s is stored but no phone made it", typ, id)
		}
	}
}

func (r *Runner) checkRecord(v *Verification, h *held, n int, got storedRecord) {
	v.Records++
	if h.Acked {
		v.RecordsAcked++
	} else {
		v.Unacked++
		v.problem("%s %s never acknowledged (%s)", h.Type, h.ID, h.Rejected)
	}
	switch {
	case n == 0 && h.Acked:
		v.notStored(h.ID, h.Partial, &v.Missing, "%s %s acknowledged but not stored", h.Type, h.ID)
	case n > 1:
		v.Duplicated++
		v.problem("%s %s listed %d times", h.Type, h.ID, n)
	case n == 1 && (got.VillageCode+got.RegionCode != h.Region || got.FarmersServed+got.Attendees != h.Count):
		v.Mismatched++
		v.problem("%s %s stored as %+v, sent region %s count %d", h.Type, h.ID, got, h.Region, h.Count)
	case n == 1 && h.Acked && got.Version != h.Version:
		v.Mismatched++
		v.problem("%s %s stored at version %d, acknowledged at version %d", h.Type, h.ID, got.Version, h.Version)
	}
}

// checkSync pulls once more for every phone (over a clean link) and
// counts acknowledged records and photos that never appeared in its pulls.
func (r *Runner) checkSync(ctx context.Context, v *Verification) {
	var mu sync.Mutex
	_ = parallel(ctx, len(r.phones), 8, func(i int) error {
		p := r.phones[i]
		clean := NewClient(r.cfg.URLs, cleanTransport(), nil)
		clean.SetToken(p.c.Token())
		clean.SetLogin(func(ctx context.Context) (string, error) { return clean.Login(ctx, p.id.Phone, p.id.Password) })
		err := p.pull(ctx, clean)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			v.SyncSkipped++
			v.problem("final pull of %s: %v", p.id.Phone, err)
		}
		for _, h := range p.records {
			if h.Acked && !p.seen[h.ID] && !v.absent[h.ID] {
				v.SyncSkipped++
				v.problem("%s %s acknowledged but never pulled by %s", h.Type, h.ID, p.id.Phone)
			}
		}
		for _, ph := range p.photos {
			if ph.Acked && !p.seen[ph.ID] && !v.absent[ph.ID] {
				v.SyncSkipped++
				v.problem("photo %s acknowledged but never pulled by %s", ph.ID, p.id.Phone)
			}
		}
		return nil
	})
}
