package security_test

import (
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// injections are hostile values for every path parameter and region
// filter: SQL quotes and comments, LIKE wildcards (which must not widen a
// region filter), unicode, bytes that are not UTF-8, very long strings,
// path tricks.
var injections = []string{
	"'", `" OR 1=1 --`, `' OR '1'='1`, "1; DROP TABLE users; --", `\'`, "%", "_", "33%", "3308__",
	"330824' OR region_code LIKE '%", "华埠镇", "\x00", "😀", "\xff\xfe", strings.Repeat("9", 5000),
	strings.Repeat("'", 2000), "../../x", "33/..", "-1", "99999999999999999999", "null",
}

// shortInjections are tried on the other filters.
var shortInjections = []string{"'", `" OR 1=1 --`, "1; DROP TABLE users; --", "%", "_", "33%", "\x00", "\xff\xfe",
	strings.Repeat("9", 5000), "../../x", "-1", "99999999999999999999"}

// commonFilters are the query parameters some list reads; every GET route
// gets them.
var commonFilters = []string{"region", "commissioner_id", "cursor", "limit", "from", "to", "year", "status",
	"type", "id", "owner_type", "owner_id", "kind", "group_by", "format", "batch", "device_id"}

// TestInjection sends hostile values in every path parameter of every
// route and in every filter of every GET route: never a 5xx, never a byte
// of the out side's records, nothing changed; and region subtree ranges
// ignore LIKE wildcards.
func TestInjection(t *testing.T) {
	t.Parallel()
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		w := newWorld(t, env)
		secrets := w.secrets(1)
		targets := map[route][]injectionTarget{}
		routes := serverRoutes(env.App.Echo)
		for _, r := range routes {
			// Routes a wildcard rule covers (methods tus does not have) end
			// before reading anything.
			if ru, ok := rules[r.String()]; ok && ru.kind != kindPublic {
				targets[r] = w.injectionTargets(r, ru)
			}
		}
		before := tableCounts(t, env)
		n := 0
		for _, r := range routes {
			t.Run(r.String(), func(t *testing.T) {
				for _, target := range targets[r] {
					n += w.inject(t, r, target, secrets)
				}
			})
		}
		checkUnchanged(t, before, tableCounts(t, env))
		t.Logf("%d requests", n)
		t.Run("region ranges", func(t *testing.T) { checkRegionRangeIgnoresWildcards(t, env) })
	})
}

// injectionTarget is a request with one place for hostile values, the
// values and who sends them.
type injectionTarget struct {
	base     call
	who      string
	payloads []string
	place    func(payload string) string // the path with the payload in
}

// injectionTargets lists the places of a route: each path parameter, and
// for GET routes the region filter where the route has one (as the Kaihua
// bureau and as the in side's commissioner, whose answers must hold
// nothing of the out side), each other query parameter its rule uses and
// the cursor one by one, and the other common filters together. Writes are sent by a caller the
// route lets through, so that the values reach its queries.
func (w *world) injectionTargets(r route, ru rule) []injectionTarget {
	who := writer(ru)
	if r.method == "GET" {
		who = "bureau"
	}
	c := ru.build(w, 0, who)
	path, query, _ := strings.Cut(c.path, "?")
	var out []injectionTarget
	for i, seg := range strings.Split(r.path, "/") {
		if strings.HasPrefix(seg, ":") || seg == "*" {
			out = append(out, injectionTarget{base: c, who: who, payloads: injections, place: func(p string) string {
				segs := strings.Split(path, "/")
				segs[i] = url.PathEscape(p)
				return strings.Join(segs, "/") + "?" + query
			}})
		}
	}
	if r.method != "GET" {
		return out
	}
	return append(out, queryTargets(c, who)...)
}

// queryTargets are the places in a GET call's query: see injectionTargets.
func queryTargets(c call, who string) []injectionTarget {
	path, query, _ := strings.Cut(c.path, "?")
	withQuery := func(set func(q url.Values, p string)) func(string) string {
		return func(p string) string {
			q, _ := url.ParseQuery(query)
			set(q, p)
			return path + "?" + q.Encode()
		}
	}
	var out []injectionTarget
	vals, _ := url.ParseQuery(query)
	if _, ok := vals["region"]; ok {
		region := withQuery(func(q url.Values, p string) { q.Set("region", p) })
		out = append(out, injectionTarget{base: c, who: "bureau", payloads: injections, place: region},
			injectionTarget{base: c, who: "owner", payloads: injections, place: region})
	}
	vals["cursor"] = nil
	for name := range vals {
		if name != "region" {
			out = append(out, injectionTarget{base: c, who: who, payloads: shortInjections,
				place: withQuery(func(q url.Values, p string) { q.Set(name, p) })})
		}
	}
	// The other filters all at once: most routes ignore them, and those
	// that read them must not fail on them.
	return append(out, injectionTarget{base: c, who: who, payloads: shortInjections, place: withQuery(func(q url.Values, p string) {
		for _, f := range commonFilters {
			if _, ok := vals[f]; !ok {
				q.Set(f, p)
			}
		}
	})})
}

// inject sends a target's values, four at a time (none may change
// anything, so their order does not matter), and returns how many
// requests it sent.
func (w *world) inject(t *testing.T, r route, target injectionTarget, secrets []string) int {
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for _, p := range target.payloads {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			w.injectOne(t, r, target.place(p), target.base, target.who, secrets)
		}()
	}
	wg.Wait()
	return len(target.payloads)
}

// injectOne sends one hostile request and checks its answer.
func (w *world) injectOne(t *testing.T, r route, path string, base call, who string, secrets []string) {
	res := w.do(t, r.method, w.token(who), call{path: path, body: base.body, headers: base.headers})
	if res.Status >= 500 {
		t.Errorf("%s %s as %s: %d %.300s", r.method, path, who, res.Status, res.Body)
		return
	}
	for _, s := range secrets {
		if strings.Contains(string(res.Body), s) {
			t.Errorf("%s %s as %s: the answer holds %q of the out side: %.300s", r.method, path, who, s, res.Body)
		}
	}
}

// secrets are strings only side s's records hold: their ids, its
// commissioner's user id and phone.
func (w *world) secrets(s int) []string {
	sd := w.sides[s]
	out := []string{sd.owner.User.ID, sd.owner.User.Phone}
	for _, id := range sd.ids {
		out = append(out, id)
	}
	return out
}
