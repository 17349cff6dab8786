package security_test

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/web"
)

// route is one entry of the server's route table.
type route struct{ method, path string }

func (r route) String() string { return r.method + " " + r.path }

// serverRoutes lists the routes the server serves, without Echo's own
// not-found routes of groups and without the web console's pages, which
// sign in with a cookie and whose scope the web package's tests check.
func serverRoutes(e *echo.Echo) []route {
	var out []route
	for _, r := range e.Routes() {
		if r.Method == echo.RouteNotFound || r.Path == "/api/v1" || r.Path == "/api/v1/*" || web.Owns(r.Path) {
			continue
		}
		out = append(out, route{r.Method, r.Path})
	}
	slices.SortFunc(out, func(a, b route) int { return strings.Compare(a.String(), b.String()) })
	return slices.Compact(out)
}

// ruleFor finds a route's rule: "METHOD path", or "* path" for a route
// serving every method.
func ruleFor(r route) (rule, bool) {
	if ru, ok := rules[r.String()]; ok {
		return ru, true
	}
	ru, ok := rules["* "+r.path]
	return ru, ok
}

// TestEveryRouteHasAScopeRule fails for a route served without an entry
// in the scope table, and for an entry no route matches any more.
func TestEveryRouteHasAScopeRule(t *testing.T) {
	env := testenv.New(t, "sqlite")
	served := map[string]bool{}
	for _, r := range serverRoutes(env.App.Echo) {
		served[r.String()], served["* "+r.path] = true, true
		if _, ok := ruleFor(r); !ok {
			t.Errorf("route %s has no scope rule: add one to rules in security/routes_test.go saying who may call it, on what, with which status", r)
		}
	}
	for key, ru := range rules {
		if !served[key] {
			t.Errorf("scope rule %q names no route", key)
		}
		if _, err := parseGrid(ru.want); err != nil {
			t.Errorf("scope rule %q: %v", key, err)
		}
	}
}

// TestScopeMatrix calls every route as every caller against an in-scope
// and an out-of-scope target and checks the exact status, that record
// reads outside scope are 404, and that lists hold exactly what the
// caller may see.
func TestScopeMatrix(t *testing.T) {
	t.Parallel()
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		w := newWorld(t, env)
		for _, r := range serverRoutes(env.App.Echo) {
			ru, ok := ruleFor(r)
			if !ok {
				continue // TestEveryRouteHasAScopeRule names it
			}
			t.Run(r.String(), func(t *testing.T) { w.checkRoute(t, r, ru) })
		}
	})
}

// checkRoute runs one route's row of the matrix.
func (w *world) checkRoute(t *testing.T, r route, ru rule) {
	g, err := parseGrid(ru.want)
	if err != nil {
		t.Fatal(err)
	}
	sees := ru.sees
	if sees == nil {
		sees = scoped
	}
	checkReadGrid(t, ru, g, sees)
	for _, who := range callerNames {
		for s := range 2 {
			w.checkCell(t, r, ru, sees, who, s, g[who][s])
		}
	}
	if ru.kind != kindPublic {
		w.checkForged(t, r, ru)
	}
}

// checkCell calls a route as who against side s's target and checks the
// status (want), nosniff, that nothing leaks, a list's items and the
// rule's own checks.
func (w *world) checkCell(t *testing.T, r route, ru rule, sees visibility, who string, s, want int) {
	c := ru.build(w, s, who)
	tok := w.token(who)
	if c.token != nil && who != "anon" {
		tok = *c.token
	}
	res := w.do(t, r.method, tok, c)
	if ru.signed && res.Status == http.StatusFound {
		res = w.followSigned(t, res)
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s on the %s side: no X-Content-Type-Options: nosniff", who, sideName(s))
	}
	if res.Status != want {
		t.Errorf("%s on the %s side (%s): %d, want %d: %.300s", who, sideName(s), c.path, res.Status, want, res.Body)
		return
	}
	if ru.kind != kindPublic {
		w.checkNoLeak(t, who, s, res)
	}
	if ru.kind == kindList && res.Status == http.StatusOK {
		w.checkItems(t, ru, sees, who, s, res)
	}
	if ru.after != nil {
		ru.after(t, w, who, s, res)
	}
}

// checkReadGrid holds the table to the rule that a record read outside
// the caller's scope is 404: never 200, nor 403 that would tell the record
// exists.
func checkReadGrid(t *testing.T, ru rule, g grid, sees visibility) {
	if ru.kind != kindRead {
		return
	}
	for _, who := range callerNames {
		for s := range 2 {
			if who != "anon" && !sees[who][s] && g[who][s] != http.StatusNotFound {
				t.Errorf("table: %s reading the %s side's record outside its scope must get 404, the table says %d", who, sideName(s), g[who][s])
			}
		}
	}
}

func sideName(s int) string { return [2]string{"in", "out"}[s] }

// checkItems checks that a list holds each side's record exactly when the
// caller may see it, and never the other side's when it filters on a
// side's region.
func (w *world) checkItems(t *testing.T, ru rule, sees visibility, who string, s int, res *testenv.Resp) {
	var body struct {
		Items []map[string]any `json:"items"`
	}
	res.Decode(t, &body)
	field := ru.idField
	if field == "" {
		field = "id"
	}
	got := map[any]bool{}
	for _, it := range body.Items {
		got[it[field]] = true
	}
	for k := range 2 {
		want := sees[who][k] && (k == s || !ru.filtered)
		if id := w.sides[k].ids[ru.target]; got[id] != want {
			t.Errorf("%s listing the %s side: %s %s of the %s side present=%v, want %v", who, sideName(s), ru.target, id, sideName(k), got[id], want)
		}
	}
}

// checkNoLeak fails when an answer holds an id (or the commissioner's
// phone) of a side the caller may not see, whatever the route.
func (w *world) checkNoLeak(t *testing.T, who string, s int, res *testenv.Resp) {
	for k := range 2 {
		if who == "admin" || scoped[who][k] {
			continue
		}
		for _, secret := range w.secrets(k) {
			if strings.Contains(string(res.Body), secret) {
				t.Errorf("%s on the %s side: the answer holds %q of the %s side: %.300s", who, sideName(s), secret, sideName(k), res.Body)
			}
		}
	}
}

// followSigned fetches a redirect to a signed URL of the photo store, with
// no token, and answers what it got (200 with an image when it works).
func (w *world) followSigned(t *testing.T, res *testenv.Resp) *testenv.Resp {
	loc := res.Header.Get("Location")
	r, err := http.Get(loc)
	if err != nil {
		t.Fatalf("signed URL %s: %v", loc, err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if ct := r.Header.Get("Content-Type"); r.StatusCode == http.StatusOK && !strings.HasPrefix(ct, "image/") {
		t.Errorf("signed URL %s serves %q", loc, ct)
	}
	out := &testenv.Resp{Status: r.StatusCode, Header: r.Header, Body: b}
	return out
}
