package handlers_test

import (
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

type auditItem struct {
	ID        int64          `json:"id"`
	ActorID   string         `json:"actor_id"`
	ActorRole string         `json:"actor_role"`
	Type      string         `json:"type"`
	RecordID  string         `json:"record_id"`
	Action    string         `json:"action"`
	Region    string         `json:"region_code"`
	RequestID string         `json:"request_id"`
	Before    map[string]any `json:"before"`
	After     map[string]any `json:"after"`
}

func auditTrail(t *testing.T, env *testenv.Env, token, typ, id string) []auditItem {
	t.Helper()
	r := env.Do("GET", "/api/v1/audit?type="+typ+"&id="+id, token, nil)
	mustStatus(t, r, http.StatusOK, "audit")
	var out struct{ Items []auditItem }
	r.Decode(t, &out)
	return out.Items
}

func testAuditTrail(t *testing.T, env *testenv.Env) {
	w := newWorld(t, env)
	v := post(t, env, "/visits", w.owner.Token, visitBody(villageA, 1))
	id := v["id"].(string)
	mustStatus(t, env.Do("PATCH", "/api/v1/visits/"+id, w.owner.Token, map[string]any{"farmers_served": 9}), 200, "patch")
	mustStatus(t, env.Do("PATCH", "/api/v1/visits/"+id, w.admin, map[string]any{"notes": "管理员更正"}), 200, "admin patch")
	mustStatus(t, env.Do("DELETE", "/api/v1/visits/"+id, w.owner.Token, nil), 204, "delete")

	items := auditTrail(t, env, w.bureau.Token, "visit", id)
	if len(items) != 4 {
		t.Fatalf("entries: %d", len(items))
	}
	wantActions := []string{"create", "update", "update", "delete"}
	wantActors := []string{w.owner.User.ID, w.owner.User.ID, w.admin, w.owner.User.ID}
	for i, it := range items {
		if it.Action != wantActions[i] || it.Type != "visit" || it.RecordID != id || it.Region != villageA || it.RequestID == "" {
			t.Fatalf("entry %d: %+v", i, it)
		}
		if i != 2 && it.ActorID != wantActors[i] {
			t.Fatalf("entry %d actor %s", i, it.ActorID)
		}
	}
	if items[2].ActorRole != "admin" {
		t.Fatalf("admin's change: %+v", items[2])
	}
	if items[0].Before != nil || items[0].After["farmers_served"].(float64) != 6 || items[0].After["version"].(float64) != 1 {
		t.Fatalf("create entry: %+v", items[0])
	}
	if items[1].Before["farmers_served"].(float64) != 6 || items[1].After["farmers_served"].(float64) != 9 || items[1].After["version"].(float64) != 2 {
		t.Fatalf("update entry: %+v", items[1])
	}
	if items[2].Before["notes"] != "" || items[2].After["notes"] != "管理员更正" {
		t.Fatalf("admin entry: %+v", items[2])
	}
	if items[3].After != nil || items[3].Before["version"].(float64) != 3 {
		t.Fatalf("delete entry: %+v", items[3])
	}
	// Pages of two, then the rest.
	r := env.Do("GET", "/api/v1/audit?type=visit&limit=2&id="+id, w.admin, nil)
	next, _ := r.JSON()["next_cursor"].(string)
	r = env.Do("GET", "/api/v1/audit?type=visit&limit=2&id="+id+"&cursor="+next, w.admin, nil)
	if got := r.JSON()["items"].([]any); len(got) != 2 || got[0].(map[string]any)["action"] != "update" {
		t.Fatalf("second page: %s", r.Body)
	}
	if items := auditTrail(t, env, w.bureauOut.Token, "visit", id); len(items) != 0 {
		t.Fatalf("bureau of another county sees %d entries", len(items))
	}
	mustStatus(t, env.Do("GET", "/api/v1/audit?type=visit&id="+id, w.township.Token, nil), http.StatusForbidden, "township")
	mustStatus(t, env.Do("GET", "/api/v1/audit?type=visit&id="+id, w.owner.Token, nil), http.StatusForbidden, "commissioner")
	mustStatus(t, env.Do("GET", "/api/v1/audit?type=visits&id="+id, w.admin, nil), http.StatusBadRequest, "unknown type")
	mustStatus(t, env.Do("GET", "/api/v1/audit?type=visit", w.admin, nil), http.StatusBadRequest, "no id")
}

// TestChildAuditCarriesTheVillage checks that a child's entries carry its
// parent's village, so that the county's bureau sees them, and that a
// plot's delete records its harvest's delete too.
func testChildAuditCarriesTheVillage(t *testing.T, env *testenv.Env) {
	w := newWorld(t, env)
	pid := post(t, env, "/plots", w.owner.Token, plotBody(villageA2))["id"].(string)
	hid := post(t, env, "/plots/"+pid+"/harvests", w.owner.Token, harvestBody())["id"].(string)
	mustStatus(t, env.Do("DELETE", "/api/v1/plots/"+pid, w.owner.Token, nil), 204, "delete plot")
	items := auditTrail(t, env, w.bureau.Token, "harvest", hid)
	if len(items) != 2 || items[1].Action != "delete" || items[1].Region != villageA2 {
		t.Fatalf("harvest trail: %+v", items)
	}
}
