package handlers_test

import (
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// scopeResource is one record type in the scope matrix: how the owner makes
// a record of it (returning the collection path), a body to create, and a
// change for the caller to try.
type scopeResource struct {
	name  string
	setup func(t *testing.T, w *world) string
	body  func() map[string]any
	patch func(role string) map[string]any
	rows  map[string]expect
}

// expect is what one caller gets: create, list, get, patch, delete
// statuses, and whether the list shows the record.
type expect struct {
	create, list, get, patch, del int
	listed                        bool
}

var (
	// ownRows are the expectations for a commissioner's own top-level records.
	ownRows = map[string]expect{
		"anonymous": {401, 401, 401, 401, 401, false}, "admin": {403, 200, 200, 200, 204, true},
		"bureau": {403, 200, 200, 403, 403, true}, "bureau elsewhere": {403, 200, 404, 404, 404, false},
		"township": {403, 200, 200, 403, 403, true}, "township elsewhere": {403, 200, 404, 404, 404, false},
		"owner": {201, 200, 200, 200, 204, true}, "other commissioner": {201, 200, 404, 404, 404, false},
	}
	// childRows are the same for records below a plot or a household.
	childRows = map[string]expect{
		"anonymous": {401, 401, 401, 401, 401, false}, "admin": {403, 200, 200, 200, 204, true},
		"bureau": {403, 200, 200, 403, 403, true}, "bureau elsewhere": {404, 404, 404, 404, 404, false},
		"township": {403, 200, 200, 403, 403, true}, "township elsewhere": {404, 404, 404, 404, 404, false},
		"owner": {201, 200, 200, 200, 204, true}, "other commissioner": {404, 404, 404, 404, 404, false},
	}
)

func (w *world) token(who string) string {
	return map[string]string{"anonymous": "", "admin": w.admin, "bureau": w.bureau.Token,
		"bureau elsewhere": w.bureauOut.Token, "township": w.township.Token, "township elsewhere": w.townshipOut.Token,
		"owner": w.owner.Token, "other commissioner": w.other.Token}[who]
}

func top(path string) func(*testing.T, *world) string {
	return func(*testing.T, *world) string { return path }
}

// under makes a fresh parent of the owner and returns its child collection.
func under(parentPath string, parent func() map[string]any, child string) func(*testing.T, *world) string {
	return func(t *testing.T, w *world) string {
		id := post(t, w.env, parentPath, w.owner.Token, parent())["id"].(string)
		return parentPath + "/" + id + "/" + child
	}
}

func fixed(m map[string]any) func(string) map[string]any {
	return func(string) map[string]any { return m }
}

var yearSeq int

func scopeResources() []scopeResource {
	return []scopeResource{
		{"visit", top("/visits"), func() map[string]any { return visitBody(villageA, 1) }, fixed(map[string]any{"notes": "复查"}), ownRows},
		{"training", top("/trainings"), func() map[string]any { return trainingBody(villageA) }, fixed(map[string]any{"hours": 3}), ownRows},
		{"plot", top("/plots"), func() map[string]any { return plotBody(villageA) }, fixed(map[string]any{"name": "新名"}), ownRows},
		{"household", top("/households"), func() map[string]any { return householdBody(villageA, "张") }, fixed(map[string]any{"members": 5}), ownRows},
		{"plot_observation", under("/plots", func() map[string]any { return plotBody(villageA) }, "observations"),
			func() map[string]any {
				return map[string]any{"id": newID(), "observed_at": at(1, 8, 0), "stage": "采摘期"}
			},
			fixed(map[string]any{"notes": "补记"}), childRows},
		{"harvest", under("/plots", func() map[string]any { return plotBody(villageA) }, "harvests"),
			func() map[string]any { return with(harvestBody(), map[string]any{"season": "季" + newID()[:8]}) },
			fixed(map[string]any{"cost_fen_per_mu": 1}), childRows},
		{"income", under("/households", func() map[string]any { return householdBody(villageA, "赵") }, "incomes"),
			func() map[string]any {
				yearSeq++
				return map[string]any{"id": newID(), "year": 2023 + yearSeq%2, "income_fen": 100}
			},
			fixed(map[string]any{"income_fen": 200}), childRows},
		{"project", top("/projects"), nil, fixed(map[string]any{"funds_fen": 1}), map[string]expect{
			"anonymous": {401, 401, 401, 401, 401, false}, "admin": {201, 200, 200, 200, 204, true},
			"bureau": {201, 200, 200, 200, 204, true}, "bureau elsewhere": {422, 200, 404, 404, 404, false},
			"township": {403, 200, 200, 403, 403, true}, "township elsewhere": {403, 200, 404, 404, 404, false},
			"owner": {201, 200, 200, 200, 204, true}, "other commissioner": {201, 200, 404, 404, 404, false},
		}},
	}
}

// TestScopeMatrix checks, for every record type, every kind of caller
// against a record inside and outside its scope, for every verb.
func testScopeMatrix(t *testing.T, env *testenv.Env) {
	w := newWorld(t, env)
	for _, res := range scopeResources() {
		body := res.body
		if body == nil {
			body = func() map[string]any {
				return with(projectBody(villageA), map[string]any{"commissioner_id": w.owner.Commissioner.ID})
			}
		}
		for who, want := range res.rows {
			coll := res.setup(t, w)
			owner := w.owner.Token
			if res.name == "project" && who != "owner" && who != "other commissioner" {
				owner = w.bureau.Token
			}
			rec := post(t, env, coll, owner, body())["id"].(string)
			mine := body()
			if res.name == "project" && strings.Contains(who, "commissioner") || who == "owner" {
				delete(mine, "commissioner_id")
			}
			got := w.try(coll, rec, who, mine, res.patch(who))
			if got != want {
				t.Errorf("%s as %s: got %+v, want %+v", res.name, who, got, want)
			}
		}
	}
}

// try runs every verb as who against the record rec in collection coll.
func (w *world) try(coll, rec, who string, body, patch map[string]any) expect {
	tok, one := w.token(who), recordsAPI+coll+"/"+rec
	var got expect
	got.create = w.env.Do("POST", recordsAPI+coll, tok, body).Status
	r := w.env.Do("GET", recordsAPI+coll, tok, nil)
	got.list, got.listed = r.Status, strings.Contains(string(r.Body), rec)
	got.get = w.env.Do("GET", one, tok, nil).Status
	got.patch = w.env.Do("PATCH", one, tok, patch).Status
	got.del = w.env.Do("DELETE", one, tok, nil).Status
	return got
}

func testDemandScopeMatrix(t *testing.T, env *testenv.Env) {
	w := newWorld(t, env)
	stranger := env.NewUser("commissioner", otherCnty)
	rows := map[string]expect{
		"anonymous": {401, 401, 401, 401, 401, false}, "admin": {201, 200, 200, 200, 204, true},
		"bureau": {201, 200, 200, 200, 204, true}, "bureau elsewhere": {422, 200, 404, 404, 404, false},
		"township": {201, 200, 200, 200, 204, true}, "township elsewhere": {422, 200, 404, 404, 404, false},
		"owner": {403, 200, 200, 200, 403, true}, "commissioner elsewhere": {403, 200, 404, 404, 404, false},
	}
	for who, want := range rows {
		rec := post(t, env, "/demands", w.township.Token, demandBody(villageA))["id"].(string)
		patch := map[string]any{"title": "更新的需求"}
		if who == "owner" || who == "commissioner elsewhere" {
			patch = map[string]any{"status": "claimed"}
		}
		tw := *w
		if who == "commissioner elsewhere" {
			tw.other = stranger
			who = "other commissioner"
		}
		if got := tw.try("/demands", rec, who, demandBody(villageA), patch); got != want {
			t.Errorf("demand as %s: got %+v, want %+v", who, got, want)
		}
	}
}
