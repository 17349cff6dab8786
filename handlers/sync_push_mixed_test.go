package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// detailFields lists the fields an error object's details name.
func syncDetailFields(e map[string]any) []string {
	var out []string
	ds, _ := e["details"].([]any)
	for _, d := range ds {
		out = append(out, fmt.Sprint(d.(map[string]any)["field"]))
	}
	return out
}

func TestPushMixedInvalidAndForbidden(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me, other := env.NewUser("commissioner", "330824"), env.NewUser("commissioner", "330824")
		theirs := visitBody(huashan, 1)
		doPush(t, env, other.Token, pushBody(upsert("visit", theirs, 0)))

		good1, good2 := visitBody(huashan, 1), visitBody(jianfeng, 2)
		noVillage := visitBody(huashan, 1)
		delete(noVillage, "village_code")
		backwards := visitBody(huashan, 1)
		backwards["ended_at"] = at(2, 9, 0)
		changes := []map[string]any{
			upsert("visit", good1, 0),
			upsert("visit", noVillage, 0),
			upsert("visit", map[string]any{"id": theirs["id"], "notes": "改别人的"}, 1),
			upsert("photo", map[string]any{"id": newID()}, 0),
			{"type": "visit", "op": 5, "record": visitBody(huashan, 1)},
			{"type": "visit", "op": "upsert", "record": "not an object"},
			{"type": "visit", "op": "upsert", "record": visitBody(huashan, 1), "base_version": "3"},
			upsert("visit", backwards, 0),
			{"type": "visit", "op": "delete", "record": map[string]any{"id": theirs["id"]}},
			upsert("visit", good2, 0),
		}
		rs := doPush(t, env, me.Token, pushBody(changes...))
		want := []string{"created", "invalid", "forbidden", "invalid", "invalid", "invalid", "invalid", "invalid", "forbidden", "created"}
		if !sameList(statuses(rs), want...) {
			t.Fatalf("statuses %v, want %v", statuses(rs), want)
		}
		fields := map[int]string{1: "village_code", 4: "op", 5: "record", 6: "base_version", 7: "ended_at"}
		for i, f := range fields {
			if rs[i].Error["code"] != "validation_failed" || !hasID(syncDetailFields(rs[i].Error), f) {
				t.Errorf("change %d: error %v, want a detail for %s", i, rs[i].Error, f)
			}
		}
		for _, i := range []int{2, 8} {
			if rs[i].Error["code"] == nil || rs[i].Error["message"] == "" || rs[i].Current != nil {
				t.Errorf("change %d: %+v", i, rs[i])
			}
		}
		for i, r := range rs {
			if _, leaked := r.Error["request_id"]; leaked {
				t.Errorf("change %d: request_id inside a result's error", i)
			}
		}
		if n := visitsStored(t, env, good1["id"].(string), good2["id"].(string), noVillage["id"].(string), backwards["id"].(string)); n != 2 {
			t.Fatalf("%d visits stored, want the 2 good ones", n)
		}
		got := env.Do("GET", "/api/v1/visits/"+theirs["id"].(string), other.Token, nil).JSON()
		if got["notes"] != "" || got["version"] != float64(1) {
			t.Fatalf("another commissioner's visit changed: %v", got)
		}
		en := env.Do("POST", "/api/v1/sync/push", me.Token, pushBody(upsert("visit", noVillage, 0)), "Accept-Language", "en")
		if !strings.Contains(string(en.Body), "validation failed") {
			t.Fatalf("English messages: %s", en.Body)
		}
	})
}

func TestPushRefusesMalformedEnvelopes(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", "330824")
		many := make([]map[string]any, 501)
		for i := range many {
			many[i] = upsert("visit", visitBody(huashan, 1), 0)
		}
		ok := upsert("visit", visitBody(huashan, 1), 0)
		cases := []struct {
			name   string
			token  string
			body   any
			status int
			code   string
		}{
			{"no token", "", pushBody(ok), http.StatusUnauthorized, "unauthorized"},
			{"not JSON", me.Token, "{changes:", http.StatusBadRequest, "bad_request"},
			{"an array", me.Token, "[]", http.StatusBadRequest, "bad_request"},
			{"no device", me.Token, map[string]any{"changes": []any{ok}}, http.StatusBadRequest, "bad_request"},
			{"no changes", me.Token, map[string]any{"device_id": "p"}, http.StatusBadRequest, "bad_request"},
			{"changes not a list", me.Token, map[string]any{"device_id": "p", "changes": "x"}, http.StatusBadRequest, "bad_request"},
			{"a change not an object", me.Token, map[string]any{"device_id": "p", "changes": []any{ok, 7}}, http.StatusBadRequest, "bad_request"},
			{"bad device time", me.Token, map[string]any{"device_id": "p", "device_time": "yesterday", "changes": []any{ok}}, http.StatusBadRequest, "bad_request"},
			{"501 changes", me.Token, pushBody(many...), http.StatusRequestEntityTooLarge, "payload_too_large"},
		}
		for _, tc := range cases {
			r := env.Do("POST", "/api/v1/sync/push", tc.token, tc.body)
			if r.Status != tc.status || r.ErrorCode() != tc.code {
				t.Errorf("%s: %d %s", tc.name, r.Status, r.Body)
			}
		}
		if n := count(t, env, "visits"); n != 0 {
			t.Fatalf("%d visits stored by refused pushes", n)
		}
		r := env.Do("POST", "/api/v1/sync/push", me.Token, map[string]any{"device_id": "p", "changes": []any{}})
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"results":[]`) {
			t.Fatalf("empty push: %d %s", r.Status, r.Body)
		}
	})
}
