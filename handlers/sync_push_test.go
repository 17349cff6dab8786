package handlers_test

import (
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// pushed is one result of a push.
type pushed struct {
	Type    string         `json:"type"`
	ID      string         `json:"id"`
	Status  string         `json:"status"`
	Version int            `json:"version"`
	Error   map[string]any `json:"error"`
	Current map[string]any `json:"current"`
}

// upsert is a push change creating or changing a record; base is its
// base_version (0: a record the phone created; -1: none sent).
func upsert(typ string, rec map[string]any, base int) map[string]any {
	ch := map[string]any{"type": typ, "op": "upsert", "record": rec}
	if base >= 0 {
		ch["base_version"] = base
	}
	return ch
}

// pushBody is a push envelope from a phone.
func pushBody(changes ...map[string]any) map[string]any {
	return map[string]any{"device_id": "phone-1", "changes": changes}
}

// doPush pushes body and returns the results, failing unless it is 200
// with one result per change.
func doPush(t *testing.T, env *testenv.Env, token string, body map[string]any) []pushed {
	t.Helper()
	r := env.Do("POST", "/api/v1/sync/push", token, body)
	if r.Status != http.StatusOK {
		t.Fatalf("push: %d %s", r.Status, r.Body)
	}
	var out struct {
		Results    []pushed `json:"results"`
		ServerTime string   `json:"server_time"`
	}
	r.Decode(t, &out)
	if n := len(body["changes"].([]map[string]any)); len(out.Results) != n || out.ServerTime == "" {
		t.Fatalf("push of %d changes answered %s", n, r.Body)
	}
	return out.Results
}

// statuses lists the results' statuses.
func statuses(rs []pushed) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Status
	}
	return out
}

func sameList(a []string, b ...string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// visitsStored counts the visit rows with id (deleted ones included).
func visitsStored(t *testing.T, env *testenv.Env, ids ...string) int64 {
	t.Helper()
	var n int64
	if err := env.DB().Table("visits").Where("id IN ?", ids).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// logged counts the change-log rows of a record.
func logged(t *testing.T, env *testenv.Env, typ, id string) int64 {
	t.Helper()
	var n int64
	if err := env.DB().Table("changes").Where("record_type = ? AND record_id = ?", typ, id).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPushCreatesThenReplaysUnchanged(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", "330824")
		a, b, c := visitBody(huashan, 1), visitBody(jianfeng, 2), visitBody(xiazhuang, 3)
		body := pushBody(upsert("visit", a, 0), upsert("visit", b, 0), upsert("visit", c, 0))
		rs := doPush(t, env, me.Token, body)
		if !sameList(statuses(rs), "created", "created", "created") || rs[1].ID != b["id"] || rs[1].Version != 1 {
			t.Fatalf("first push: %+v", rs)
		}
		rs = doPush(t, env, me.Token, body)
		if !sameList(statuses(rs), "unchanged", "unchanged", "unchanged") || rs[2].Version != 1 {
			t.Fatalf("replay: %+v", rs)
		}
		ids := []string{a["id"].(string), b["id"].(string), c["id"].(string)}
		if n := visitsStored(t, env, ids...); n != 3 {
			t.Fatalf("%d visits stored, want 3", n)
		}
		for _, id := range ids {
			if n := logged(t, env, "visit", id); n != 1 {
				t.Fatalf("visit %s logged %d times, want once", id, n)
			}
		}
		got := env.Do("GET", "/api/v1/visits/"+ids[0], me.Token, nil).JSON()
		if got["village_code"] != huashan || got["commissioner_id"] != me.Commissioner.ID || got["farmers_served"] != float64(6) {
			t.Fatalf("stored visit: %v", got)
		}
		// The pushes reach the phone's next pull.
		if changes := firstPull(t, env, me.Token); len(byKey(changes)) != 3 {
			t.Fatalf("pull after push: %+v", changes)
		}
	})
}

func TestPushReordered(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", "330824")
		a, b := visitBody(huashan, 1), visitBody(jianfeng, 2)
		doPush(t, env, me.Token, pushBody(upsert("visit", a, 0), upsert("visit", b, 0)))
		rs := doPush(t, env, me.Token, pushBody(upsert("visit", b, 0), upsert("visit", a, 0)))
		if !sameList(statuses(rs), "unchanged", "unchanged") || rs[0].ID != b["id"] {
			t.Fatalf("same changes in another order: %+v", rs)
		}

		// The phone creates c, then edits it; the edit's push arrives first.
		c := visitBody(xiazhuang, 1)
		c["notes"] = "初稿"
		edited := map[string]any{}
		for k, v := range c {
			edited[k] = v
		}
		edited["notes"] = "补充记录"
		rs = doPush(t, env, me.Token, pushBody(upsert("visit", edited, 1)))
		if !sameList(statuses(rs), "created") || rs[0].Version != 1 {
			t.Fatalf("edit arriving first: %+v", rs)
		}
		rs = doPush(t, env, me.Token, pushBody(upsert("visit", c, 0)))
		if !sameList(statuses(rs), "conflict") || rs[0].Current["notes"] != "补充记录" || rs[0].Error["code"] != "precondition_failed" {
			t.Fatalf("create arriving after its edit: %+v", rs)
		}
		if n := visitsStored(t, env, c["id"].(string)); n != 1 {
			t.Fatalf("%d rows for one visit", n)
		}
	})
}

func TestPushConflicts(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", "330824")
		v := visitBody(huashan, 1)
		id := v["id"].(string)
		doPush(t, env, me.Token, pushBody(upsert("visit", v, 0)))
		rs := doPush(t, env, me.Token, pushBody(upsert("visit", map[string]any{"id": id, "notes": "第一版"}, 1)))
		if !sameList(statuses(rs), "updated") || rs[0].Version != 2 {
			t.Fatalf("update on the stored version: %+v", rs)
		}
		// Another phone edited version 1 too: its change is a conflict
		// carrying the stored record.
		rs = doPush(t, env, me.Token, pushBody(upsert("visit", map[string]any{"id": id, "notes": "另一版"}, 1)))
		if !sameList(statuses(rs), "conflict") || rs[0].Version != 2 || rs[0].Current["notes"] != "第一版" || rs[0].Current["version"] != float64(2) {
			t.Fatalf("stale base_version: %+v", rs)
		}
		if _, ok := rs[0].Error["code"]; !ok || rs[0].Error["request_id"] != nil {
			t.Fatalf("conflict error: %+v", rs[0].Error)
		}
		// Replaying the update that was applied changes nothing.
		rs = doPush(t, env, me.Token, pushBody(upsert("visit", map[string]any{"id": id, "notes": "第一版"}, 1)))
		if !sameList(statuses(rs), "unchanged") || rs[0].Version != 2 {
			t.Fatalf("replayed update: %+v", rs)
		}
		del := map[string]any{"type": "visit", "op": "delete", "record": map[string]any{"id": id}, "base_version": 1}
		rs = doPush(t, env, me.Token, pushBody(del))
		if !sameList(statuses(rs), "conflict") {
			t.Fatalf("delete on a stale version: %+v", rs)
		}
		del["base_version"] = 2
		rs = doPush(t, env, me.Token, pushBody(del, del))
		if !sameList(statuses(rs), "deleted", "unchanged") || rs[0].Version != 3 {
			t.Fatalf("delete, and again: %+v", rs)
		}
	})
}

// A push mixing record types, with children of records created earlier in
// the same push and a duplicate harvest season, is applied in order.
func TestPushMixedTypesInOrder(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", "330824")
		plot, household := plotBody(huashan), householdBody(huashan, "张三")
		pid, hid := plot["id"], household["id"]
		obs := map[string]any{"id": newID(), "plot_id": pid, "observed_at": "2024-04-02T10:00:00+08:00", "stage": "萌芽期"}
		h1, h2 := harvestBody(), harvestBody()
		h1["plot_id"], h2["plot_id"] = pid, pid
		income := map[string]any{"id": newID(), "household_id": hid, "year": 2024, "income_fen": 4200000}
		rs := doPush(t, env, me.Token, pushBody(
			upsert("plot", plot, 0), upsert("plot_observation", obs, 0), upsert("harvest", h1, 0), upsert("harvest", h2, 0),
			upsert("household", household, 0), upsert("income", income, 0), upsert("visit", visitBody(huashan, 1), 0),
		))
		want := []string{"created", "created", "created", "invalid", "created", "created", "created"}
		if !sameList(statuses(rs), want...) {
			t.Fatalf("statuses %v, want %v: %+v", statuses(rs), want, rs)
		}
		if !hasID(syncDetailFields(rs[3].Error), "season") {
			t.Fatalf("second harvest of the season: %v", rs[3].Error)
		}
		got := env.Do("GET", "/api/v1/plots/"+pid.(string)+"/harvests/"+h1["id"].(string), me.Token, nil).JSON()
		// (52.5 − 40) kg × 300 元 − (1800 − 1500) 元 = 3450 元 per mu.
		if got["income_increase_fen_per_mu"] != float64(345000) {
			t.Fatalf("harvest: %v", got)
		}
		var logged int64
		env.DB().Table("changes").Where("record_type IN ?", []string{"plot_observation", "harvest", "income"}).Where("region_code = ?", huashan).Count(&logged)
		if logged != 3 {
			t.Fatalf("children logged with their village: %d, want 3", logged)
		}
	})
}
