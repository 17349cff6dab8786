package security_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// Ids the fuzz fixture gives its records, so that committed seeds can name
// them.
const (
	fuzzCommissioner = "c0ffee00-0000-4000-8000-000000000001"
	fuzzYear         = 2024
)

// fuzzTarget is a JSON route under fuzzing: who calls it where.
type fuzzTarget struct {
	method string
	path   string // a path template (see world.expand), on the in side
	// caller returns the token to send for one input; nil sends none.
	caller func(t *testing.T, w *world) string
	// refused says whether the answer promises that nothing was stored
	// (by default, any status from 300 up).
	refused func(rec *httptest.ResponseRecorder) bool
	// state is what must not change when a body is refused; by default the
	// row count of every table.
	state func(t *testing.T, w *world) string
	// holds checks what must be true of the stored data after any input
	// (bounds, normal forms); nil checks nothing more.
	holds func(t *testing.T, w *world)
}

// fuzzWorld is the fixture inputs run against while fuzzing and in the
// seed runs of go test: SQLite, fast for the mutator.
// TestFuzzSeedsOnMySQL replays the committed seeds on MariaDB.
func fuzzWorld(t testing.TB, backend string) *world {
	cfg := testenv.Config(t, backend)
	cfg.LoginLimit = 1 << 30 // let the fuzzer past the rate limit
	return newFuzzWorld(t, testenv.NewWithConfig(t, backend, cfg))
}

// newFuzzWorld is the scope world with a commissioner of a fixed id,
// assigned in 华埠镇 and evaluated there for fuzzYear.
func newFuzzWorld(f testing.TB, env *testenv.Env) *world {
	c := env.NewUser("commissioner", inVillage)
	if err := env.DB().Exec("UPDATE commissioners SET id = ? WHERE id = ?", fuzzCommissioner, c.Commissioner.ID).Error; err != nil {
		f.Fatal(err)
	}
	w := newBaseWorld(f, env)
	body := map[string]any{"commissioner_id": fuzzCommissioner, "village_code": inVillage, "start_date": "2024-01-01"}
	w.must(201, "POST", "/api/v1/assignments", body)
	w.must(201, "POST", fmt.Sprintf("/api/v1/evaluations/%d/runs?region=%s", fuzzYear, inTownship), nil)
	return w
}

// fuzzJSON fuzzes the JSON body of the route fuzzTargets names name:
// whatever the body, the answer is never a 5xx, a refusal is in the
// contract's error shape, and a refused body changes nothing. Seeds live in
// testdata/fuzz/<name>/.
func fuzzJSON(f *testing.F, name string) {
	ft, ok := fuzzTargets[name]
	if !ok {
		f.Fatalf("no fuzz target %s", name)
	}
	w := fuzzWorld(f, "sqlite")
	f.Fuzz(func(t *testing.T, body []byte) { w.fuzzOne(t, ft, body) })
}

// fuzzOne sends one input to one world and checks the answer.
func (w *world) fuzzOne(t *testing.T, ft fuzzTarget, body []byte) {
	state := ft.state
	if state == nil {
		state = countState
	}
	token := ""
	if ft.caller != nil {
		token = ft.caller(t, w)
	}
	before := state(t, w)
	rec := w.serve(ft.method, w.expand(ft.path, 0), token, body)
	if rec.Code >= 500 {
		t.Fatalf("%s on %s: %d %s", w.env.Backend, body, rec.Code, rec.Body)
	}
	if ft.holds != nil {
		ft.holds(t, w)
	}
	if rec.Code >= 300 {
		var e struct {
			Error struct{ Code string } `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code == "" {
			t.Fatalf("%s: refusal %d not in the error shape: %s", w.env.Backend, rec.Code, rec.Body)
		}
	}
	refused := rec.Code >= 300
	if ft.refused != nil {
		refused = ft.refused(rec)
	}
	if after := state(t, w); refused && after != before {
		t.Fatalf("%s: refused (%d %.300s) but stored something:\nbefore %s\nafter  %s", w.env.Backend, rec.Code, rec.Body, before, after)
	}
	w.boundsHeld(t)
}

// serve sends a request straight to the handler. Inside a fuzz function
// only t's methods may be called, so this avoids the Env's helpers (which
// report through the *testing.F).
func (w *world) serve(method, path, token string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	w.env.App.Echo.ServeHTTP(rec, req)
	return rec
}

// readState is the answer to an admin's GET of path and the row counts.
func readState(path string) func(t *testing.T, w *world) string {
	return func(t *testing.T, w *world) string {
		rec := w.serve("GET", w.expand(path, 0), w.admin(), nil)
		return fmt.Sprintf("%d %s %s", rec.Code, rec.Body, countState(t, w))
	}
}

// freshSession starts a new login of user and returns its access token,
// without the Env's helpers (see serve).
func (w *world) freshSession(t *testing.T, userID, role string) string {
	now := models.Now()
	sid := models.NewID()
	err := w.env.DB().Exec("INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
		sid, userID, now, now.Add(time.Hour)).Error
	if err != nil {
		t.Fatal(err)
	}
	tok, err := w.env.App.Deps.Tokens.Issue(userID, sid, role)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// countState is the row count of every table, read in one query.
func countState(t *testing.T, w *world) string { return w.counts(t) }

// countsBut is the row count of every table but those of skip.
func countsBut(skip ...string) func(t *testing.T, w *world) string {
	return func(t *testing.T, w *world) string { return w.counts(t, skip...) }
}

// counts reads the row count of every table but skip in one query.
func (w *world) counts(t *testing.T, skip ...string) string {
	tables, err := w.env.DB().Migrator().GetTables()
	if err != nil {
		t.Fatal(err)
	}
	var names, parts []string
	for _, tb := range tables {
		if !slices.Contains(skip, tb) && !slices.Contains(uncountedTables, tb) {
			names = append(names, tb)
			parts = append(parts, "(SELECT COUNT(*) FROM "+tb+")")
		}
	}
	var out string
	q := "SELECT " + strings.Join(parts, " || ',' || ")
	if w.env.Backend == "mysql" {
		q = "SELECT CONCAT_WS(','," + strings.Join(parts, ",") + ")"
	}
	if err := w.env.DB().Raw(q).Scan(&out).Error; err != nil {
		t.Fatal(err)
	}
	return strings.Join(names, ",") + "=" + out
}
