package security_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// kind is what a route does, which decides the checks beyond its status.
type kind int

const (
	kindPublic kind = iota // needs no token
	kindRead               // reads one record by id: outside scope is 404
	kindList               // answers a list: items checked against visibility
	kindWrite              // changes something
	kindOther              // reads something that is not a scoped record
)

// call is one request of the matrix; the method is the route's.
type call struct {
	path string
	body any
	// headers are extra request headers, name and value pairs.
	headers []string
	// token, when set, replaces the caller's token (a throwaway login of
	// the same user, for routes that end the caller's session).
	token *string
}

// rule is a route's entry in the scope table: how to build its request
// against the in-side or out-side target, and what every caller gets.
type rule struct {
	kind  kind
	want  string // a grid, see parseGrid
	build func(w *world, s int, who string) call
	// sees is who sees each side's record (lists, reads); nil is scoped.
	sees visibility
	// Lists: the side.ids key of the record whose presence is checked,
	// the JSON field naming an item's id ("id" when empty), and whether
	// the side's request filters on the side's region (then the other
	// side's record must never appear).
	target, idField string
	filtered        bool
	// signed says the route may answer a redirect to a signed URL of the
	// photo store, which then counts as what the signed URL answers.
	signed bool
	// media is the body's media type when it is not JSON (multipart
	// photos, tus uploads); hostile-JSON checks skip those routes.
	media string
	// after, when set, checks more after the request.
	after func(t *testing.T, w *world, who string, s int, r *testenv.Resp)
}

// at builds a request from a path template: {name} is replaced by the
// side's id of that name, or its region ({county}, {township},
// {village}, {village2}); a GET, DELETE or bodyless POST.
func at(template string) func(w *world, s int, who string) call {
	return func(w *world, s int, who string) call {
		return call{path: w.expand(template, s)}
	}
}

// with builds a request from a path template and a body made per call.
func with(template string, body func(w *world, s int) any) func(w *world, s int, who string) call {
	return func(w *world, s int, who string) call {
		return call{path: w.expand(template, s), body: body(w, s)}
	}
}

// expand fills a path template for side s.
func (w *world) expand(template string, s int) string {
	sd := w.sides[s]
	pairs := []string{"{county}", sd.county, "{township}", sd.township, "{village}", sd.village,
		"{village2}", sd.village2, "{year}", fmt.Sprint(evalYear)}
	for k, v := range sd.ids {
		pairs = append(pairs, "{"+k+"}", v)
	}
	out := strings.NewReplacer(pairs...).Replace(template)
	if strings.Contains(out, "{") {
		w.t.Fatalf("template %q: unknown name in %q", template, out)
	}
	return out
}
