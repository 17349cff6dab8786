package security_test

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"slices"
	"testing"

	"github.com/tepai/tepai/config"
	"github.com/tepai/tepai/internal/testenv"
)

// backendsWith runs fn on every backend, like testenv.Backends, with the
// configuration changed by mod.
func backendsWith(t *testing.T, mod func(*config.Config), fn func(t *testing.T, env *testenv.Env)) {
	run := func(t *testing.T, backend string) {
		cfg := testenv.Config(t, backend)
		mod(&cfg)
		fn(t, testenv.NewWithConfig(t, backend, cfg))
	}
	t.Run("sqlite", func(t *testing.T) { run(t, "sqlite") })
	if os.Getenv("TEPAI_TEST_MYSQL_DSN") != "" {
		t.Run("mysql", func(t *testing.T) { run(t, "mysql") })
	}
}

// bodyRoute is a route that takes a request body, with the in-side
// request its rule builds for a caller who may use it.
type bodyRoute struct {
	route
	call  call
	token string
	json  bool // the handler decodes a JSON body (not only accepts one)
}

// bodyRoutes lists the POST, PATCH and PUT routes with a JSON body (or
// none): every one but the multipart and tus uploads.
func (w *world) bodyRoutes(t *testing.T) []bodyRoute {
	var out []bodyRoute
	for _, r := range serverRoutes(w.env.App.Echo) {
		ru, ok := ruleFor(r)
		if !ok || ru.media != "" || !slices.Contains([]string{"POST", "PATCH", "PUT"}, r.method) {
			continue
		}
		who := writer(ru)
		c := ru.build(w, 0, who)
		tok := w.token(who)
		if c.token != nil {
			tok = *c.token
		}
		out = append(out, bodyRoute{route: r, call: c, token: tok, json: c.body != nil})
	}
	if len(out) == 0 {
		t.Fatal("no routes with bodies")
	}
	return out
}

// send sends body as is with content type ct ("" for none); chunked hides
// its length from the server.
func (w *world) send(t *testing.T, method, path, token string, body []byte, ct string, chunked bool) *testenv.Resp {
	t.Helper()
	var rd io.Reader = bytes.NewReader(body)
	if chunked {
		rd = io.MultiReader(rd)
	}
	req, err := http.NewRequest(method, w.env.Server.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := w.env.Server.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &testenv.Resp{Status: res.StatusCode, Header: res.Header, Body: b}
}

// uncountedTables are left out of row counts: those background jobs
// change whatever the requests do (thumbnails, upload leases, the sync
// watermark), and SQLite's own counter of autoincrement keys.
var uncountedTables = []string{"photo_jobs", "upload_locks", "sync_state", "change_gaps", "sqlite_sequence"}

// do sends one call of the matrix without following redirects (a photo's
// bytes may be a redirect to a signed URL of the store) and checks the
// answer against the OpenAPI document.
func (w *world) do(t *testing.T, method, token string, c call) *testenv.Resp {
	t.Helper()
	req := w.request(t, method, token, c)
	res, err := noRedirects.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, c.path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := testenv.ValidateExchange(req, res, b); err != nil {
		t.Errorf("OpenAPI contract: %v", err)
	}
	return &testenv.Resp{Status: res.StatusCode, Header: res.Header, Body: b}
}

// request builds the HTTP request of a call: a []byte body as is, another
// as JSON.
func (w *world) request(t *testing.T, method, token string, c call) *http.Request {
	var rd io.Reader
	ct := ""
	switch b := c.body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		rd, ct = bytes.NewReader(mustJSON(t, b)), "application/json"
	}
	req, err := http.NewRequest(method, w.env.Server.URL+c.path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(c.headers); i += 2 {
		req.Header.Set(c.headers[i], c.headers[i+1])
	}
	return req
}

// noRedirects is a client that answers redirects as they are.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// tableCounts counts the rows of every table but the background ones.
func tableCounts(t *testing.T, env *testenv.Env) map[string]int64 {
	t.Helper()
	tables, err := env.DB().Migrator().GetTables()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, tb := range tables {
		if slices.Contains(uncountedTables, tb) {
			continue
		}
		var n int64
		if err := env.DB().Table(tb).Count(&n).Error; err != nil {
			t.Fatalf("count %s: %v", tb, err)
		}
		out[tb] = n
	}
	return out
}

// checkUnchanged fails when a table's row count moved.
func checkUnchanged(t *testing.T, before, after map[string]int64) {
	t.Helper()
	for tb, n := range after {
		if before[tb] != n {
			t.Errorf("table %s went from %d to %d rows", tb, before[tb], n)
		}
	}
}

// writer is the first caller the route's grid lets through on the in
// side, so that hostile bodies reach the decoding (admin when none).
func writer(ru rule) string {
	g, err := parseGrid(ru.want)
	if err != nil {
		return "admin"
	}
	for _, who := range callerNames {
		if st := g[who][0]; st >= 200 && st < 300 {
			return who
		}
	}
	return "admin"
}
