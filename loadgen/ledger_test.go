package loadgen

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// runForLedger runs the small fake run with photos and returns the fake,
// the runner and the ledger it wrote to a file and read back.
func runForLedger(t *testing.T) (*fake, *Runner, *Ledger) {
	t.Helper()
	f, srv := newFake(t)
	r, l := runOn(t, srv.URL, 11)
	return f, r, l
}

// runOn runs the small fake run with photos against url with seed and
// returns the runner and the ledger it wrote to a file and read back.
func runOn(t *testing.T, url string, seed int64) (*Runner, *Ledger) {
	t.Helper()
	cfg := fakeConfig(url)
	cfg.Seed = seed
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := r.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("the run itself failed: %+v", rep.Verify)
	}
	path := filepath.Join(t.TempDir(), "ledger.json")
	if err := r.Ledger().WriteFile(path); err != nil {
		t.Fatal(err)
	}
	l, err := ReadLedger(path)
	if err != nil {
		t.Fatal(err)
	}
	return r, l
}

func TestLedgerRoundTrip(t *testing.T) {
	f, r, l := runForLedger(t)
	want := r.Ledger()
	want.WrittenAt = l.WrittenAt
	if !reflect.DeepEqual(l, want) {
		t.Fatalf("ledger read back differs from the one written:\n got %+v\nwant %+v", l, want)
	}
	// 3 phones, each 2 days × (3 visits + 1 training) and 2 days × 4 photos.
	if len(l.Phones) != 3 || l.Region != "330824" {
		t.Fatalf("%d phones in region %s, want 3 in 330824", len(l.Phones), l.Region)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range l.Phones {
		if len(p.Records) != 8 || len(p.Photos) != 8 {
			t.Errorf("phone %s holds %d records and %d photos, want 8 and 8", p.Phone, len(p.Records), len(p.Photos))
		}
		if f.users[p.Phone] != p.Password {
			t.Errorf("phone %s: the ledger's password is not the one its commissioner was created with", p.Phone)
		}
		for _, rec := range p.Records {
			if stored, ok := f.records[rec.Type][rec.ID]; !ok || !rec.Acked || rec.Version != stored.version {
				t.Errorf("record %s %s: acked %v version %d; stored %v at version %d", rec.Type, rec.ID, rec.Acked, rec.Version, ok, stored.version)
			}
		}
		for _, ph := range p.Photos {
			stored := f.photos[ph.ID]
			if !ph.Acked || ph.SHA256 != sum(stored.data) || ph.Size != int64(len(stored.data)) {
				t.Errorf("photo %s: ledger %s/%d, bytes stored %s/%d", ph.ID, ph.SHA256, ph.Size, sum(stored.data), len(stored.data))
			}
		}
	}
}

func TestReadLedgerRefusesBadFiles(t *testing.T) {
	_, _, l := runForLedger(t)
	dir := t.TempDir()
	cases := map[string]func(l *Ledger){
		"format":  func(l *Ledger) { l.Format = 2 },
		"region":  func(l *Ledger) { l.Region = "33" },
		"phones":  func(l *Ledger) { l.Phones = nil },
		"login":   func(l *Ledger) { l.Phones[0].Password = "" },
		"type":    func(l *Ledger) { l.Phones[0].Records[0].Type = "harvest" },
		"orphan":  func(l *Ledger) { l.Phones[0].Photos[0].OwnerID = "no-such-record" },
		"garbage": nil,
	}
	for name, damage := range cases {
		path := filepath.Join(dir, name+".json")
		if damage == nil {
			if err := os.WriteFile(path, []byte(`{"format":1,`), 0o600); err != nil {
				t.Fatal(err)
			}
		} else {
			var c Ledger
			b, _ := json.Marshal(l)
			_ = json.Unmarshal(b, &c)
			damage(&c)
			if err := c.WriteFile(path); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := ReadLedger(path); err == nil {
			t.Errorf("%s: a damaged ledger was read without an error", name)
		}
	}
}

// restore serves a copy of f's state on a new server, as a restore of a
// backup into another system would: same users, records, change log and
// photos; new tokens.
func restore(t *testing.T, f *fake) (*fake, *httptest.Server) {
	t.Helper()
	g, srv := newFake(t)
	f.mu.Lock()
	defer f.mu.Unlock()
	for k, v := range f.users {
		g.users[k] = v
	}
	g.comms = append(g.comms, f.comms...)
	for k, v := range f.assigned {
		g.assigned[k] = append([]string(nil), v...)
	}
	for typ, recs := range f.records {
		for id, rec := range recs {
			g.records[typ][id] = rec
		}
		g.order[typ] = append([]string(nil), f.order[typ]...)
	}
	g.changes = append(g.changes, f.changes...)
	for id, ph := range f.photos {
		ph.data = append([]byte(nil), ph.data...)
		g.photos[id] = ph
	}
	g.photoList = append(g.photoList, f.photoList...)
	return g, srv
}

// drop removes the i-th stored record of typ (from the end when i is
// negative) from g as if its row were not in the backup, with its change
// and its photos, and returns its id and how many photos it had.
func (g *fake) drop(typ string, i int) (string, int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if i < 0 {
		i += len(g.order[typ])
	}
	id := g.order[typ][i]
	g.order[typ] = append(g.order[typ][:i:i], g.order[typ][i+1:]...)
	delete(g.records[typ], id)
	var kept []fChange
	for _, c := range g.changes {
		var rec struct {
			ID      string `json:"id"`
			OwnerID string `json:"owner_id"`
		}
		_ = json.Unmarshal(c.body, &rec)
		if rec.ID != id && rec.OwnerID != id {
			kept = append(kept, c)
		}
	}
	g.changes = kept
	photos := 0
	var list []string
	for _, pid := range g.photoList {
		if g.photos[pid].OwnerID == id {
			delete(g.photos, pid)
			photos++
			continue
		}
		list = append(list, pid)
	}
	g.photoList = list
	return id, photos
}

// loseBytes keeps the first photo's row but loses its bytes, and returns
// its id.
func (g *fake) loseBytes() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	id := g.photoList[0]
	ph := g.photos[id]
	ph.data = nil
	g.photos[id] = ph
	return id
}

func verifyAgainst(t *testing.T, url string, l *Ledger, partial bool) Verification {
	t.Helper()
	v, err := VerifyLedgers(context.Background(), VerifyConfig{URLs: []string{url}, AdminPhone: "13800000000",
		AdminPassword: "admin-password", VerifyBytes: -1}, LedgerCheck{Ledger: l, Partial: partial})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestVerifyLedgerPassesOnAFaithfulRestore(t *testing.T) {
	f, _, l := runForLedger(t)
	_, srv := restore(t, f)
	v := verifyAgainst(t, srv.URL, l, false)
	if !v.OK {
		t.Fatalf("a faithful copy failed verification: %+v", v)
	}
	if v.Records != 24 || v.RecordsAcked != 24 || v.Photos != 24 || v.PhotosAcked != 24 || v.BytesChecked != 24 {
		t.Errorf("counts = %+v, want 24 records and 24 photos, all acknowledged and their bytes checked", v)
	}
}

func TestVerifyLedgerCatchesAMissingRecord(t *testing.T) {
	f, _, l := runForLedger(t)
	g, srv := restore(t, f)
	id, photos := g.drop("visit", 0)
	v := verifyAgainst(t, srv.URL, l, false)
	if v.OK {
		t.Fatal("verification passed with a record missing")
	}
	if v.Missing != 1 || v.PhotosMissing != photos || v.SyncSkipped != 1+photos || v.BytesBad != 0 {
		t.Errorf("missing %d, photos missing %d, sync skipped %d, bad bytes %d; want 1, %d, %d, 0",
			v.Missing, v.PhotosMissing, v.SyncSkipped, v.BytesBad, photos, 1+photos)
	}
	if !strings.Contains(strings.Join(v.Problems, "\n"), "visit "+id+" acknowledged but not stored") {
		t.Errorf("problems do not name visit %s: %v", id, v.Problems)
	}
	// A backup taken during the run may lack it: partial counts it apart.
	if p := verifyAgainst(t, srv.URL, l, true); !p.OK || p.NotInBackup != 1+photos {
		t.Errorf("partial: ok %v, not in backup %d, want ok and %d: %+v", p.OK, p.NotInBackup, 1+photos, p)
	}
}

func TestVerifyLedgerCatchesMissingPhotoBytes(t *testing.T) {
	f, _, l := runForLedger(t)
	g, srv := restore(t, f)
	id := g.loseBytes()
	for _, partial := range []bool{false, true} {
		v := verifyAgainst(t, srv.URL, l, partial)
		if v.OK || v.BytesBad != 1 || v.BytesChecked != 24 || v.Missing+v.PhotosMissing+v.NotInBackup != 0 {
			t.Errorf("partial %v: ok %v, bad bytes %d of %d checked, missing %d/%d/%d; want a failure on 1 of 24, nothing missing",
				partial, v.OK, v.BytesBad, v.BytesChecked, v.Missing, v.PhotosMissing, v.NotInBackup)
		}
		if !strings.Contains(strings.Join(v.Problems, "\n"), "photo "+id+" content") {
			t.Errorf("problems do not name photo %s: %v", id, v.Problems)
		}
	}
}

func TestVerifyLedgerCatchesAnotherVersion(t *testing.T) {
	f, _, l := runForLedger(t)
	g, srv := restore(t, f)
	g.mu.Lock()
	id := g.order["training"][0]
	rec := g.records["training"][id]
	rec.version = 2
	g.records["training"][id] = rec
	g.mu.Unlock()
	v := verifyAgainst(t, srv.URL, l, false)
	if v.OK || v.Mismatched != 1 {
		t.Errorf("ok %v, mismatched %d; want a failure on 1 record", v.OK, v.Mismatched)
	}
}

func TestVerifyLedgerRefusesOtherHosts(t *testing.T) {
	_, err := VerifyLedgers(context.Background(), VerifyConfig{URLs: []string{"http://10.0.0.1:8080"}, AdminPhone: "1", AdminPassword: "x"}, LedgerCheck{Ledger: &Ledger{}})
	if err == nil || !strings.Contains(err.Error(), "only 127.0.0.1") {
		t.Errorf("err = %v, want a refusal of a host off loopback", err)
	}
}

// Two runs, a backup taken during the second: the first run's ledger must
// be whole, the second's may lack what came after the backup.
func TestVerifyLedgersOfTwoRunsWithAPartialOne(t *testing.T) {
	f, srv := newFake(t)
	_, first := runOn(t, srv.URL, 21)
	_, second := runOn(t, srv.URL, 22)
	if len(second.Baseline["visit"]) != 18 || len(second.Baseline["training"]) != 6 {
		t.Fatalf("the second run's baseline has %d visits and %d trainings, want the first run's 18 and 6",
			len(second.Baseline["visit"]), len(second.Baseline["training"]))
	}
	_, whole := restore(t, f)
	if v := verifyAgainst(t, whole.URL, first, false); v.OK || v.Unexpected != 24 {
		t.Errorf("the first ledger alone: ok %v, unexpected %d; want the second run's 24 records unexpected", v.OK, v.Unexpected)
	}
	both := func(url string) Verification {
		v, err := VerifyLedgers(context.Background(), VerifyConfig{URLs: []string{url}, AdminPhone: "13800000000",
			AdminPassword: "admin-password", VerifyBytes: -1}, LedgerCheck{Ledger: first}, LedgerCheck{Ledger: second, Partial: true})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := both(whole.URL); !v.OK || v.Records != 48 || v.NotInBackup != 0 || v.BytesChecked != 48 {
		t.Errorf("both ledgers on a whole copy: %+v, want ok, 48 records, 48 photos' bytes, nothing absent", v)
	}

	// The second run's last visit was stored after the backup: absent,
	// counted apart.
	g, late := restore(t, f)
	_, photos := g.drop("visit", -1)
	if v := both(late.URL); !v.OK || v.NotInBackup != 1+photos || v.Missing+v.PhotosMissing+v.SyncSkipped != 0 {
		t.Errorf("a record of the partial ledger absent: %+v, want ok with it and its %d photos not in the backup", v, photos)
	}

	// A record of the first run absent is a loss, partial or not.
	h, lost := restore(t, f)
	h.drop("visit", 0) // the first run's first visit
	if v := both(lost.URL); v.OK || v.Missing != 1 {
		t.Errorf("a record of the whole ledger absent: ok %v, missing %d; want a failure on 1", v.OK, v.Missing)
	}
}

// A server that stops answering fails the verification instead of holding
// it: here the context has already ended.
func TestVerificationCutShortFails(t *testing.T) {
	f, _, l := runForLedger(t)
	_, srv := restore(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	r := &Runner{cfg: Defaults(), Stats: NewStats(), baseline: map[string]map[string]bool{}}
	r.cfg.URLs = []string{srv.URL}
	r.addLedger(l, false)
	admin := NewClient(r.cfg.URLs, cleanTransport(), nil)
	cancel()
	v := r.verify(ctx, admin)
	if v.OK || !strings.Contains(strings.Join(v.Problems, "\n"), "verification cut short") {
		t.Errorf("a verification whose context ended: ok %v, problems %v; want a failure saying it was cut short", v.OK, v.Problems)
	}
}
