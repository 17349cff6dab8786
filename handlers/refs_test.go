package handlers_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// errorOf is a refusal's error without its request id.
func errorOf(t *testing.T, r *testenv.Resp) string {
	t.Helper()
	var body struct {
		Error json.RawMessage `json:"error"`
	}
	r.Decode(t, &body)
	return string(body.Error)
}

// sameRefusal fails unless both answers are the same 422 naming field.
func sameRefusal(t *testing.T, what, field string, outside, missing *testenv.Resp) {
	t.Helper()
	if outside.Status != http.StatusUnprocessableEntity || !containsStr(details(outside), field) {
		t.Fatalf("%s outside the caller's scope: %d %s", what, outside.Status, outside.Body)
	}
	if a, b := errorOf(t, outside), errorOf(t, missing); a != b {
		t.Fatalf("%s outside the caller's scope answers\n%s\nbut one that does not exist\n%s", what, a, b)
	}
}

// A field naming another entity answers the same for an entity outside
// the caller's scope as for one that does not exist, and stores nothing.
func TestReferencesOutsideScopeAnswerAsMissing(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		w := newWorld(t, env)
		outsider := env.NewUser("commissioner", otherCnty)
		mustStatus(t, env.Do("GET", "/api/v1/commissioners/"+outsider.Commissioner.ID, w.bureau.Token, nil),
			http.StatusNotFound, "the outsider, as the bureau")

		project := func(cid string) *testenv.Resp {
			return env.Do("POST", "/api/v1/projects", w.bureau.Token,
				with(projectBody(townA), map[string]any{"commissioner_id": cid}))
		}
		sameRefusal(t, "a project's commissioner", "commissioner_id", project(outsider.Commissioner.ID), project(newID()))
		if n := count(t, env, "projects"); n != 0 {
			t.Fatalf("projects stored: %d", n)
		}

		hh := post(t, env, "/households", w.owner.Token, householdBody(villageA, "王五"))["id"].(string)
		visit := func(tok, household string) *testenv.Resp {
			return env.Do("POST", "/api/v1/visits", tok, with(visitBody(villageA, 1), map[string]any{"household_ids": []string{household}}))
		}
		sameRefusal(t, "a visit's household", "household_ids", visit(w.other.Token, hh), visit(w.other.Token, newID()))
		if n := count(t, env, "visits"); n != 0 {
			t.Fatalf("visits stored: %d", n)
		}
		mustStatus(t, visit(w.owner.Token, hh), http.StatusCreated, "a visit to the owner's own household")
	})
}

// A push may create a household and a visit naming it together.
func TestPushVisitNamingANewHousehold(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", county)
		hh := householdBody(villageA, "赵六")
		v := with(visitBody(villageA, 1), map[string]any{"household_ids": []string{hh["id"].(string)}})
		rs := doPush(t, env, me.Token, pushBody(upsert("household", hh, 0), upsert("visit", v, 0)))
		if !sameList(statuses(rs), "created", "created") {
			t.Fatalf("push of a household and its visit: %+v", rs)
		}
	})
}
