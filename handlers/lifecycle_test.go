package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// lifecycleCase is one record type's walk through create, replay, change,
// stale change and delete.
type lifecycleCase struct {
	typ     string
	coll    func(*testing.T, *world) string
	creator func(*world) string
	body    func() map[string]any
	change  map[string]any
	other   map[string]any // a different content for the same id
}

func lifecycleCases() []lifecycleCase {
	own := func(w *world) string { return w.owner.Token }
	plot := func() map[string]any { return plotBody(villageA) }
	household := func() map[string]any { return householdBody(villageA, "钱") }
	return []lifecycleCase{
		{"visit", top("/visits"), own, func() map[string]any { return visitBody(villageA, 2) }, map[string]any{"leaflets": 40}, map[string]any{"leaflets": 41}},
		{"training", top("/trainings"), own, func() map[string]any { return trainingBody(townA) }, map[string]any{"attendees": 50}, map[string]any{"hours": 1}},
		{"plot", top("/plots"), own, plot, map[string]any{"area_mu": 130}, map[string]any{"crop": "水稻"}},
		{"plot_observation", under("/plots", plot, "observations"), own,
			func() map[string]any {
				return map[string]any{"id": newID(), "observed_at": at(2, 9, 0), "stage": "采摘期"}
			},
			map[string]any{"notes": "新梢"}, map[string]any{"stage": "休眠期"}},
		{"harvest", under("/plots", plot, "harvests"), own, harvestBody, map[string]any{"yield_kg_per_mu": 55}, map[string]any{"season": "2024秋"}},
		{"household", top("/households"), own, household, map[string]any{"members": 6}, map[string]any{"head_name": "孙"}},
		{"income", under("/households", household, "incomes"), own,
			func() map[string]any { return map[string]any{"id": newID(), "year": 2024, "income_fen": 5000000} },
			map[string]any{"income_fen": 5100000}, map[string]any{"year": 2023}},
		{"project", top("/projects"), own, func() map[string]any { return projectBody(townA) }, map[string]any{"funds_fen": 70000000}, map[string]any{"title": "别的项目"}},
		{"demand", top("/demands"), func(w *world) string { return w.township.Token },
			func() map[string]any { return demandBody(villageA) }, map[string]any{"category": "栽培技术"}, map[string]any{"title": "别的需求"}},
	}
}

// testEveryTypeLifecycle walks every record type through idempotent
// create, versions and ETags, stale If-Match, soft delete and its audit.
func testEveryTypeLifecycle(t *testing.T, env *testenv.Env) {
	w := newWorld(t, env)
	for _, c := range lifecycleCases() {
		t.Run(c.typ, func(t *testing.T) {
			coll, tok, body := recordsAPI+c.coll(t, w), c.creator(w), c.body()
			r := env.Do("POST", coll, tok, body)
			mustStatus(t, r, http.StatusCreated, "create")
			id := r.JSON()["id"].(string)
			one := coll + "/" + id
			checkVersion(t, r, 1)
			checkVersion(t, env.Do("POST", coll, tok, body), 1) // replay: 200
			mustStatus(t, env.Do("POST", coll, tok, with(body, c.other)), http.StatusCreated, "other id")
			conflicting := with(body, c.other)
			conflicting["id"] = id
			mustStatus(t, env.Do("POST", coll, tok, conflicting), http.StatusConflict, "same id, other content")
			checkVersion(t, env.Do("GET", one, tok, nil), 1)
			checkVersion(t, env.Do("PATCH", one, tok, c.change, "If-Match", `"1"`), 2)
			r = env.Do("PATCH", one, tok, c.change, "If-Match", `"1"`)
			mustStatus(t, r, http.StatusPreconditionFailed, "stale patch")
			if cur := r.JSON()["current"].(map[string]any); cur["version"].(float64) != 2 || r.ErrorCode() != "precondition_failed" {
				t.Fatalf("412: %s", r.Body)
			}
			checkVersion(t, env.Do("PATCH", one, tok, c.change), 2) // nothing changes
			mustStatus(t, env.Do("DELETE", one, tok, nil, "If-Match", `"1"`), http.StatusPreconditionFailed, "stale delete")
			mustStatus(t, env.Do("DELETE", one, tok, nil, "If-Match", `"2"`), http.StatusNoContent, "delete")
			mustStatus(t, env.Do("GET", one, tok, nil), http.StatusNotFound, "get deleted")
			mustStatus(t, env.Do("PATCH", one, tok, c.change), http.StatusNotFound, "patch deleted")
			mustStatus(t, env.Do("POST", coll, tok, body), http.StatusConflict, "create again after delete")
			if r := env.Do("GET", coll, tok, nil); strings.Contains(string(r.Body), id) {
				t.Fatalf("deleted record listed: %s", r.Body)
			}
			items := auditTrail(t, env, w.admin, c.typ, id)
			if len(items) != 3 || items[0].Action != "create" || items[1].Action != "update" || items[2].Action != "delete" ||
				items[1].Before["version"].(float64) != 1 || items[1].After["version"].(float64) != 2 || items[2].Before["version"].(float64) != 2 {
				t.Fatalf("audit: %+v", items)
			}
		})
	}
}

// checkVersion fails unless r is a 200/201 record at version v with the
// matching ETag.
func checkVersion(t *testing.T, r *testenv.Resp, v float64) {
	t.Helper()
	if r.Status != http.StatusOK && r.Status != http.StatusCreated {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	if got := r.JSON()["version"]; got != v || r.Header.Get("ETag") != fmt.Sprintf(`"%d"`, int(v)) {
		t.Fatalf("version %v (ETag %s), want %v", got, r.Header.Get("ETag"), v)
	}
}
