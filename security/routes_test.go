package security_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// rules is the scope table: one entry per route the server serves, keyed
// "METHOD path" ("* path" for a route serving every method). Grids name
// the callers admin, bureau (Kaihua), bureauX (Longyou), town (华埠镇),
// townX (马金镇), owner (the in side's commissioner), other (the out
// side's) and anon; the in side's records lie in 华埠镇, the out side's
// in Longyou. A route added to the server without an entry here fails
// TestEveryRouteHasAScopeRule.
var rules = map[string]rule{}

func init() {
	for _, table := range []map[string]rule{opsRules, authRules, peopleRules, evaluationRules, recordRules(), otherRules, photoRules, uploadRules, statsRules} {
		for k, v := range table {
			if _, dup := rules[k]; dup {
				panic("two scope rules for " + k)
			}
			rules[k] = v
		}
	}
}

var opsRules = map[string]rule{
	"GET /healthz":         {kind: kindPublic, want: gridPublic, build: at("/healthz")},
	"GET /readyz":          {kind: kindPublic, want: gridPublic, build: at("/readyz")},
	"GET /metrics":         {kind: kindPublic, want: gridPublic, build: at("/metrics")},
	"GET /openapi.json":    {kind: kindPublic, want: gridPublic, build: at("/openapi.json")},
	"GET /docs":            {kind: kindPublic, want: gridPublic, build: at("/docs")},
	"GET /docs/guide":      {kind: kindPublic, want: gridPublic, build: at("/docs/guide")},
	"GET /docs/guide.md":   {kind: kindPublic, want: gridPublic, build: at("/docs/guide.md")},
	"GET /docs/guide.json": {kind: kindPublic, want: gridPublic, build: at("/docs/guide.json")},
	"GET /docs/assets/*":   {kind: kindPublic, want: gridPublic, build: at("/docs/assets/docs.js")},
}

var authRules = map[string]rule{
	"POST /api/v1/auth/login": {kind: kindPublic, want: gridPublic, build: with("/api/v1/auth/login", func(w *world, s int) any {
		o := w.sides[s].owner
		return map[string]string{"phone": o.User.Phone, "password": o.Password}
	})},
	"POST /api/v1/auth/refresh": {kind: kindPublic, want: gridPublic, build: with("/api/v1/auth/refresh", func(w *world, s int) any {
		return map[string]string{"refresh_token": w.login(w.sides[s].owner).refresh}
	})},
	// Logging out ends a throwaway login of the caller; on the out side
	// the body names another user's refresh token, which must keep working.
	"GET /api/v1/me":           {kind: kindOther, want: gridEveryone, build: at("/api/v1/me")},
	"POST /api/v1/auth/logout": {kind: kindWrite, want: "all 204 anon 401", build: logoutCall, after: checkLogoutLeftOthers},
}

// session is a login made through the API.
type session struct{ access, refresh string }

// login logs p in through the API.
func (w *world) login(p *testenv.Person) session {
	w.t.Helper()
	r := w.env.Do("POST", "/api/v1/auth/login", "", map[string]string{"phone": p.User.Phone, "password": p.Password})
	if r.Status != http.StatusOK {
		w.t.Fatalf("login %s: %d %s", p.User.Phone, r.Status, r.Body)
	}
	m := r.JSON()
	return session{m["access_token"].(string), m["refresh_token"].(string)}
}

func logoutCall(w *world, s int, who string) call {
	if who == "anon" {
		return call{path: "/api/v1/auth/logout", body: map[string]string{"refresh_token": w.login(w.sides[s].owner).refresh}}
	}
	own := w.login(w.callers[who])
	refresh := own.refresh
	if s == 1 {
		w.victim = w.login(w.sides[1].owner)
		refresh = w.victim.refresh
	}
	return call{path: "/api/v1/auth/logout", body: map[string]string{"refresh_token": refresh}, token: &own.access}
}

// checkLogoutLeftOthers checks that logging out with another user's
// refresh token left that login alive.
func checkLogoutLeftOthers(t *testing.T, w *world, who string, s int, _ *testenv.Resp) {
	if s != 1 || who == "other" || who == "anon" {
		return
	}
	if r := w.env.Do("GET", "/api/v1/me", w.victim.access, nil); r.Status != http.StatusOK {
		t.Errorf("%s logging out with another user's refresh token ended that login: %d", who, r.Status)
	}
}

// gridPeopleWrite: admins anywhere, bureaus inside their county, nobody
// else.
const gridPeopleWrite = "all 403 admin %[1]d bureau %[1]d/%[2]d bureauX %[2]d/%[1]d anon 401"

func peopleWrite(ok, outside int) string { return fmt.Sprintf(gridPeopleWrite, ok, outside) }

var peopleRules = map[string]rule{
	"POST /api/v1/users": {kind: kindWrite, want: peopleWrite(201, 403), build: with("/api/v1/users", func(w *world, s int) any {
		return map[string]string{"phone": freshPhone(), "password": "password-123", "name": "乡镇办", "role": "township", "region_code": w.sides[s].township}
	})},
	"POST /api/v1/commissioners": {kind: kindWrite, want: peopleWrite(201, 403), build: with("/api/v1/commissioners", func(w *world, s int) any {
		return map[string]string{"phone": freshPhone(), "password": "password-123", "name": "特派员", "level": "county", "region_code": w.sides[s].village}
	})},
	"GET /api/v1/commissioners": {kind: kindList, want: gridEveryone, target: "commissioner", filtered: true,
		build: at("/api/v1/commissioners?limit=500&region={township}")},
	"GET /api/v1/commissioners/:id": {kind: kindRead, want: gridReadScoped, build: at("/api/v1/commissioners/{commissioner}")},
	"PATCH /api/v1/commissioners/:id": {kind: kindWrite, want: peopleWrite(200, 404), build: with("/api/v1/commissioners/{commissioner}", func(w *world, s int) any {
		return map[string]string{"specialty": fmt.Sprintf("茶叶%d", next())}
	})},
	// A team or assignment naming a commissioner the bureau cannot see is
	// refused as a bad field (422), the same answer as for one that does
	// not exist.
	"POST /api/v1/teams": {kind: kindWrite, want: peopleWrite(201, 422), build: with("/api/v1/teams", func(w *world, s int) any {
		return map[string]any{"name": fmt.Sprintf("服务团%d", next()), "region_code": w.sides[s].township, "chief_ids": []string{w.sides[s].ids["commissioner"]}}
	})},
	"GET /api/v1/teams": {kind: kindList, want: gridEveryone, target: "team", filtered: true,
		build: at("/api/v1/teams?limit=500&region={township}")},
	"POST /api/v1/assignments": {kind: kindWrite, want: peopleWrite(201, 422), build: with("/api/v1/assignments", func(w *world, s int) any {
		day := oneDay()
		return map[string]any{"commissioner_id": w.sides[s].ids["commissioner"], "village_code": w.sides[s].village2, "start_date": day, "end_date": day}
	})},
	"GET /api/v1/assignments": {kind: kindList, want: gridEveryone, target: "assignment", filtered: true,
		build: at("/api/v1/assignments?limit=500&region={township}")},
	// Users are scoped by their own region (a commissioner's is its home).
	"GET /api/v1/users": {kind: kindList, want: gridEveryone, target: "user", filtered: true,
		build: at("/api/v1/users?limit=500&region={township}")},
	"GET /api/v1/users/:id": {kind: kindRead, want: gridReadScoped, build: at("/api/v1/users/{user}")},
	// The account actions each act on a fresh township user of the side,
	// so that no caller of the matrix loses its login.
	"POST /api/v1/users/:id/reset-password": {kind: kindWrite, want: peopleWrite(200, 404), build: freshUserAction("reset-password")},
	"POST /api/v1/users/:id/disable":        {kind: kindWrite, want: peopleWrite(200, 404), build: freshUserAction("disable")},
	"POST /api/v1/users/:id/enable":         {kind: kindWrite, want: peopleWrite(200, 404), build: freshUserAction("enable")},
	// Everyone may change its own password; a wrong current one changes
	// nothing (422), so that the callers keep their passwords and logins.
	"POST /api/v1/me/password": {kind: kindWrite, want: "all 422 anon 401", build: with("/api/v1/me/password", func(w *world, s int) any {
		return map[string]string{"current_password": "not-the-password", "new_password": "another-password-1"}
	})},
	"DELETE /api/v1/assignments/:id": {kind: kindWrite, want: peopleWrite(204, 404), build: func(w *world, s int, who string) call {
		return call{path: "/api/v1/assignments/" + w.assignOneDay(s, w.sides[s].village2)}
	}},
}

// freshUserAction is a POST /users/{id}/<action> on a new township user
// of side s.
func freshUserAction(action string) func(w *world, s int, who string) call {
	return func(w *world, s int, who string) call {
		u := w.env.NewUser("township", w.sides[s].township)
		return call{path: "/api/v1/users/" + u.User.ID + "/" + action}
	}
}

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }
