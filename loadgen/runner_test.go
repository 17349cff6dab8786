package loadgen

import (
	"context"
	"strings"
	"testing"
	"time"
)

// fakeConfig is a small run against the fake: 3 phones, one round each
// (the duration ends before a second one starts), every photo path used.
func fakeConfig(url string) Config {
	cfg := Defaults()
	cfg.URLs = []string{url}
	cfg.AdminPhone, cfg.AdminPassword = "13800000000", "admin-password"
	cfg.Phones = 3
	cfg.Duration = time.Millisecond
	cfg.Grace = 30 * time.Second
	cfg.PhotoKB = 8
	cfg.Days, cfg.VisitsPerDay, cfg.PhotosPerDay = 2, 3, 4
	cfg.Batch = 4
	cfg.TusShare = 0.5
	cfg.VerifyBytes = -1
	return cfg
}

func run(t *testing.T, cfg Config) *Report {
	t.Helper()
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := r.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestRunAgainstFakeVerifiesExactlyOnce(t *testing.T) {
	_, srv := newFake(t)
	cfg := fakeConfig(srv.URL)
	cfg.DropRate = 0.3
	cfg.Seed = 7
	rep := run(t, cfg)
	v := rep.Verify
	if !rep.OK() {
		t.Fatalf("verification failed: %+v %v", v, rep.PhoneErrors)
	}
	// 3 phones × 2 days × (3 visits + 1 training) and × 4 photos.
	if v.Records != 24 || v.RecordsAcked != 24 || v.Photos != 24 || v.PhotosAcked != 24 || v.BytesChecked != 24 {
		t.Errorf("counts = %+v, want 24 records and 24 photos, all acknowledged and checked", v)
	}
	if rep.Errors[OutcomeDropped] == 0 {
		t.Errorf("no response was dropped at drop rate 0.3: %v", rep.Errors)
	}
	if n := rep.Notes["tus fell back to POST /photos"]; n != 0 {
		t.Errorf("%d tus uploads fell back to a plain upload", n)
	}
	names := map[string]bool{}
	for _, e := range rep.Endpoints {
		names[e.Name] = true
	}
	for _, want := range []string{"POST /auth/login", "GET /sync/pull", "POST /sync/push", "POST /photos", "POST /uploads", "PATCH /uploads/{id}"} {
		if !names[want] {
			t.Errorf("no requests to %s: %v", want, names)
		}
	}
}

// Phones signed in before the run start by refreshing their tokens: the
// run checks no password, and still stores everything exactly once.
func TestSignedInPhonesRefreshInsteadOfSigningIn(t *testing.T) {
	f, srv := newFake(t)
	cfg := fakeConfig(srv.URL)
	cfg.DropRate = 0.3
	cfg.SignedIn = true
	rep := run(t, cfg)
	if !rep.OK() {
		t.Fatalf("verification failed: %+v %v", rep.Verify, rep.PhoneErrors)
	}
	counts := map[string]int{}
	for _, e := range rep.Endpoints {
		counts[e.Name] = e.Count
	}
	if counts["POST /auth/login"] != 0 || counts["POST /auth/refresh"] < cfg.Phones {
		t.Errorf("the run signed in %d times and refreshed %d times; want 0 and at least %d", counts["POST /auth/login"], counts["POST /auth/refresh"], cfg.Phones)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	// The admin twice (setup, verification) and each phone once, before the run.
	if f.logins != cfg.Phones+2 {
		t.Errorf("%d sign-ins with a password, want %d", f.logins, cfg.Phones+2)
	}
}

func TestRunTwiceWithSameSeedReusesCommissioners(t *testing.T) {
	f, srv := newFake(t)
	cfg := fakeConfig(srv.URL)
	cfg.PhotosPerDay = 0
	if rep := run(t, cfg); !rep.OK() {
		t.Fatalf("first run: %+v", rep.Verify)
	}
	rep := run(t, cfg)
	if !rep.OK() {
		t.Fatalf("second run: %+v", rep.Verify)
	}
	if len(f.comms) != 3 {
		t.Errorf("%d commissioners after two runs with one seed, want 3", len(f.comms))
	}
	if len(f.order["visit"]) != 36 {
		t.Errorf("%d visits stored, want 2 runs × 18", len(f.order["visit"]))
	}
}

func TestVerificationCatchesLossAndDuplicates(t *testing.T) {
	f, srv := newFake(t)
	f.loseEvery = 5
	f.listTwice = true
	cfg := fakeConfig(srv.URL)
	cfg.PhotosPerDay = 0
	rep := run(t, cfg)
	v := rep.Verify
	if rep.OK() || v.OK {
		t.Fatal("verification passed on a server that loses and duplicates records")
	}
	// Every fifth of the 24 new records is lost: changes 5, 10, 15, 20.
	if v.Missing != 4 {
		t.Errorf("missing = %d, want 4", v.Missing)
	}
	if v.Duplicated != 2 { // the first visit and the first training are listed twice
		t.Errorf("duplicated = %d, want 2", v.Duplicated)
	}
	if v.SyncSkipped != 4 {
		t.Errorf("sync skipped = %d, want the 4 lost records", v.SyncSkipped)
	}
	if !strings.Contains(strings.Join(v.Problems, "\n"), "acknowledged but not stored") {
		t.Errorf("problems do not name the loss: %v", v.Problems)
	}
}

// A phone out of signal between rounds syncs less often, and the pause
// never holds the run past its duration.
func TestPauseSpacesRoundsAndEndsWithTheRun(t *testing.T) {
	rounds := func(pause time.Duration) (visits int, took time.Duration) {
		f, srv := newFake(t)
		cfg := fakeConfig(srv.URL)
		cfg.PhotosPerDay = 0
		cfg.Duration = time.Second
		cfg.Pause = pause
		start := time.Now()
		if rep := run(t, cfg); !rep.OK() {
			t.Fatalf("pause %s: %+v", pause, rep.Verify)
		}
		return len(f.order["visit"]), time.Since(start)
	}
	// One round is 2 days × 3 visits per phone, 18 for the 3 phones.
	if n, took := rounds(time.Hour); n != 18 || took > 30*time.Second {
		t.Errorf("with an hour's pause: %d visits in %s, want one round (18) ended with the run", n, took)
	}
	if n, _ := rounds(0); n <= 18 {
		t.Errorf("without a pause: %d visits in a second, want more than one round", n)
	}
}
