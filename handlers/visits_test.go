package handlers_test

import (
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

func testVisitLifecycle(t *testing.T, env *testenv.Env) {
	w := newWorld(t, env)
	tok := w.owner.Token
	body := visitBody(villageA, 1)
	v := post(t, env, "/visits", tok, body)
	id := v["id"].(string)
	if v["version"].(float64) != 1 || v["commissioner_id"] != w.owner.Commissioner.ID || v["visit_date"] != dayOf(body["started_at"].(string)) {
		t.Fatalf("created: %v", v)
	}
	r := env.Do("POST", "/api/v1/visits", tok, body)
	mustStatus(t, r, http.StatusOK, "replay")
	body["notes"] = "另一个内容"
	r = env.Do("POST", "/api/v1/visits", tok, body)
	mustStatus(t, r, http.StatusConflict, "conflicting replay")
	r = env.Do("GET", "/api/v1/visits/"+id, tok, nil)
	mustStatus(t, r, http.StatusOK, "get")
	if r.Header.Get("ETag") != `"1"` {
		t.Fatalf("etag %q", r.Header.Get("ETag"))
	}
	r = env.Do("PATCH", "/api/v1/visits/"+id, tok, map[string]any{"farmers_served": 9}, "If-Match", `"1"`)
	mustStatus(t, r, http.StatusOK, "patch")
	if r.JSON()["version"].(float64) != 2 || r.JSON()["farmers_served"].(float64) != 9 {
		t.Fatalf("patched: %s", r.Body)
	}
	r = env.Do("PATCH", "/api/v1/visits/"+id, tok, map[string]any{"farmers_served": 10}, "If-Match", `"1"`)
	mustStatus(t, r, http.StatusPreconditionFailed, "stale patch")
	if cur, _ := r.JSON()["current"].(map[string]any); cur["version"].(float64) != 2 {
		t.Fatalf("412 current: %s", r.Body)
	}
	mustStatus(t, env.Do("DELETE", "/api/v1/visits/"+id, tok, nil), http.StatusNoContent, "delete")
	mustStatus(t, env.Do("GET", "/api/v1/visits/"+id, tok, nil), http.StatusNotFound, "get deleted")
	mustStatus(t, env.Do("DELETE", "/api/v1/visits/"+id, tok, nil), http.StatusNotFound, "delete again")
}
