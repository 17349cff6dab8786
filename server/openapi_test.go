package server_test

import (
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/openapi"
	"github.com/tepai/tepai/web"
)

// param matches a path parameter in Echo's (:id, *) or OpenAPI's ({id})
// spelling.
var param = regexp.MustCompile(`:[^/]+|\{[^/]+\}|\*`)

// normalize spells every path parameter {}, so that /regions/:code and
// /regions/{code} compare equal.
func normalize(path string) string { return param.ReplaceAllString(path, "{}") }

// TestRoutesAndDocumentAgree checks that every route of the Echo instance
// is in the OpenAPI document and that Echo routes every documented
// operation to a handler for its method. A route Echo serves with Any
// (protocols such as tus that dispatch on the method themselves) is
// documented when a documented operation is routed to it.
func TestRoutesAndDocumentAgree(t *testing.T) {
	e := testenv.New(t, "sqlite").App.Echo
	routed := map[string]bool{} // "GET /api/v1/regions/:code"
	anyRoutes := map[string]bool{}
	for _, r := range e.Routes() {
		switch r.Method {
		case echo.RouteNotFound:
			continue
		case echo.PROPFIND: // only Any registers it
			anyRoutes[r.Path] = true
		}
		if web.Owns(r.Path) { // the console's HTML pages are not API operations
			continue
		}
		routed[r.Method+" "+r.Path] = true
	}
	documented := map[string]bool{} // "GET /api/v1/regions/{}"
	reached := map[string]bool{}    // Echo route paths documented operations reach
	for path, item := range openapi.Document()["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			m := strings.ToUpper(method)
			if !slices.Contains([]string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"}, m) {
				continue
			}
			documented[m+" "+normalize(path)] = true
			route := routeOf(e, m, param.ReplaceAllString(path, "x1"))
			if !routed[m+" "+route] {
				t.Errorf("documented %s %s is not routed", m, path)
			}
			reached[route] = true
		}
	}
	for _, op := range sorted(routed) {
		method, path, _ := strings.Cut(op, " ")
		if !documented[method+" "+normalize(path)] && !(anyRoutes[path] && reached[path]) {
			t.Errorf("route %s %s is not in the OpenAPI document", method, path)
		}
	}
	if len(routed) < 7 { // the ops routes and the regions at least
		t.Fatalf("only %d routes: %v", len(routed), routed)
	}
}

// routeOf returns the path of the route Echo picks for method and path.
func routeOf(e *echo.Echo, method, path string) string {
	c := e.NewContext(httptest.NewRequest(method, path, nil), nil)
	e.Router().Find(method, path, c)
	return c.Path()
}

func sorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
