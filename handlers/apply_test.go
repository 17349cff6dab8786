package handlers_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/tepai/tepai/handlers"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

func principal(p *testenv.Person) *models.Principal {
	out := &models.Principal{UserID: p.User.ID, Name: p.User.Name, Role: p.User.Role, RegionCode: p.User.RegionCode}
	if p.Commissioner != nil {
		out.CommissionerID = p.Commissioner.ID
	}
	return out
}

func raw(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestApplyForSync drives the interface sync push uses: replays are
// unchanged, an old base version is a conflict with the current record,
// refusals carry the contract's errors, and what it stores is what GET
// answers.
func testApplyForSync(t *testing.T, env *testenv.Env) {
	w := newWorld(t, env)
	recs := handlers.NewRecords(env.DB())
	ctx, me := context.Background(), principal(w.owner)
	body := visitBody(villageA, 1)
	id := body["id"].(string)
	apply := func(p *models.Principal, op string, b any, base *int) handlers.ApplyResult {
		t.Helper()
		var rb json.RawMessage
		if b != nil {
			rb = raw(t, b)
		}
		res, err := recs.Apply(ctx, p, "req-1", "visit", op, id, rb, base)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	one, two := 1, 2
	expectStatus(t, apply(me, "upsert", body, nil), "created", 1)
	expectStatus(t, apply(me, "upsert", body, nil), "unchanged", 1)
	changed := with(body, map[string]any{"leaflets": 30})
	changed["id"] = id
	expectStatus(t, apply(me, "upsert", changed, &one), "updated", 2)
	expectStatus(t, apply(me, "upsert", changed, &one), "unchanged", 2)
	again := with(changed, map[string]any{"leaflets": 31})
	again["id"] = id
	res := apply(me, "upsert", again, &one)
	expectStatus(t, res, "conflict", 2)
	if res.Error.Status != 412 || res.Record.(*models.Visit).Leaflets != 30 {
		t.Fatalf("conflict: %+v", res)
	}
	bad := with(changed, map[string]any{"lat": 99.0})
	bad["id"] = id
	if res := apply(me, "upsert", bad, &two); res.Status != "invalid" || res.Error.Status != 422 {
		t.Fatalf("invalid: %+v", res)
	}
	if res := apply(principal(w.other), "upsert", again, &two); res.Status != "forbidden" {
		t.Fatalf("another commissioner's record: %+v", res)
	}
	if res := apply(principal(w.bureau), "delete", nil, nil); res.Status != "forbidden" || res.Error.Status != 403 {
		t.Fatalf("bureau deletes: %+v", res)
	}

	got := env.Do("GET", "/api/v1/visits/"+id, w.owner.Token, nil)
	rendered, _ := json.Marshal(handlers.RecordJSON("visit", res.Record))
	var a, b map[string]any
	_ = json.Unmarshal(got.Body, &a)
	_ = json.Unmarshal(rendered, &b)
	if string(raw(t, a)) != string(raw(t, b)) {
		t.Fatalf("RecordJSON differs from GET:\n%s\n%s", rendered, got.Body)
	}

	expectStatus(t, apply(me, "delete", nil, &two), "deleted", 3)
	expectStatus(t, apply(me, "delete", nil, &two), "unchanged", 3)
	if res := apply(me, "upsert", body, nil); res.Status != "conflict" {
		t.Fatalf("upsert after delete: %+v", res)
	}
	fetched, err := recs.Fetch(ctx, "visit", []string{id})
	if err != nil || len(fetched) != 1 || !fetched[0].RecordMeta().DeletedAt.Valid {
		t.Fatalf("fetch of a deleted record: %v %v", fetched, err)
	}
	if res, _ := recs.Apply(ctx, me, "", "photo", "upsert", id, raw(t, body), nil); res.Status != "invalid" {
		t.Fatalf("unknown type: %+v", res)
	}
	if len(recs.Types()) != 9 {
		t.Fatalf("types: %v", recs.Types())
	}
}

func expectStatus(t *testing.T, res handlers.ApplyResult, status string, version int) {
	t.Helper()
	if res.Status != status || res.Version != version {
		t.Fatalf("got %s v%d (%v), want %s v%d", res.Status, res.Version, res.Error, status, version)
	}
}

// TestApplyChildAndClaim applies a child record and a demand claim the
// way a phone's push does.
func testApplyChildAndClaim(t *testing.T, env *testenv.Env) {
	w := newWorld(t, env)
	recs := handlers.NewRecords(env.DB())
	// One push: lookups are remembered across its changes.
	ctx, me := handlers.WithLookupCache(context.Background()), principal(w.owner)
	plot := plotBody(villageA)
	pid := plot["id"].(string)
	if res, _ := recs.Apply(ctx, me, "", "plot", "upsert", pid, raw(t, plot), nil); res.Status != "created" {
		t.Fatalf("plot: %+v", res)
	}
	obs := map[string]any{"plot_id": pid, "observed_at": at(1, 9, 0), "stage": "开花期"}
	if res, _ := recs.Apply(ctx, me, "", "plot_observation", "upsert", newID(), raw(t, obs), nil); res.Status != "created" {
		t.Fatalf("observation: %+v", res)
	}
	obs["plot_id"] = newID()
	if res, _ := recs.Apply(ctx, me, "", "plot_observation", "upsert", newID(), raw(t, obs), nil); res.Status != "invalid" {
		t.Fatalf("observation of no plot: %+v", res)
	}
	d := post(t, env, "/demands", w.township.Token, demandBody(townA))
	d["status"] = "claimed"
	res, _ := recs.Apply(ctx, me, "", "demand", "upsert", d["id"].(string), raw(t, d), nil)
	if res.Status != "updated" || res.Record.(*models.Demand).ClaimedBy != w.owner.Commissioner.ID {
		t.Fatalf("claim: %+v", res)
	}
}
