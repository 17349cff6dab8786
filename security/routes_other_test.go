package security_test

import (
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/tepai/tepai/internal/testenv"
)

var otherRules = map[string]rule{
	// The audit trail of a record: bureaus see their region's, the admin
	// everything; a record outside the bureau's region has no entries for
	// it (the leak check holds the answer to that).
	"GET /api/v1/audit": {kind: kindOther, want: "all 403 admin 200 bureau 200 bureauX 200 anon 401",
		build: at("/api/v1/audit?type=visit&id={visit}"), after: checkAuditItems},
	// Regions are public reference data for anyone signed in.
	"GET /api/v1/regions/:code":          {kind: kindOther, want: gridEveryone, build: at("/api/v1/regions/{village}")},
	"GET /api/v1/regions/:code/children": {kind: kindOther, want: gridEveryone, build: at("/api/v1/regions/{township}/children")},
	// A village's reference point is read within scope, set by bureaus.
	"GET /api/v1/regions/:code/reference-point": {kind: kindOther, want: gridReadScoped, build: at("/api/v1/regions/{village}/reference-point")},
	"PUT /api/v1/regions/:code/reference-point": {kind: kindWrite, want: "all 403 admin 200 bureau 200/403 bureauX 403/200 anon 401",
		build: with("/api/v1/regions/{village}/reference-point", func(w *world, s int) any { return map[string]float64{"lat": 29.1, "lng": 118.5} })},
	"GET /api/v1/sync/pull": {kind: kindOther, want: gridEveryone, build: at("/api/v1/sync/pull?limit=500"), after: checkPull},
	// A push is 200 for everyone; each change's result says whether it
	// was the caller's to make.
	"POST /api/v1/sync/push": {kind: kindWrite, want: gridEveryone, after: checkPushResult, build: with("/api/v1/sync/push", func(w *world, s int) any {
		rec := recordTypes[0].body(w.sides[s])
		rec["id"] = uuid.NewString()
		return map[string]any{"device_id": "phone-1", "changes": []map[string]any{{"type": "visit", "op": "upsert", "record": rec}}}
	})},
}

// checkAuditItems checks that a bureau's audit of the other side's visit
// is empty and its own side's is not.
func checkAuditItems(t *testing.T, w *world, who string, s int, r *testenv.Resp) {
	if r.Status != 200 {
		return
	}
	var body struct{ Items []json.RawMessage }
	r.Decode(t, &body)
	if want := scoped[who][s]; (len(body.Items) > 0) != want {
		t.Errorf("%s auditing the %s side's visit: %d entries, want some=%v", who, sideName(s), len(body.Items), want)
	}
}

// checkPull checks that a commissioner's pull holds its own visit.
func checkPull(t *testing.T, w *world, who string, s int, r *testenv.Resp) {
	mine := map[string]int{"owner": 0, "other": 1}
	k, ok := mine[who]
	if !ok || r.Status != 200 {
		return
	}
	var body struct {
		Changes []struct {
			Type   string
			Record struct{ ID string }
		}
	}
	r.Decode(t, &body)
	for _, c := range body.Changes {
		if c.Type == "visit" && c.Record.ID == w.sides[k].ids["visit"] {
			return
		}
	}
	t.Errorf("%s's pull lacks its own visit", who)
}

// checkPushResult checks that a pushed visit is created exactly when the
// caller is the side's commissioner.
func checkPushResult(t *testing.T, w *world, who string, s int, r *testenv.Resp) {
	if r.Status != 200 {
		return
	}
	var body struct{ Results []struct{ Status string } }
	r.Decode(t, &body)
	created := len(body.Results) == 1 && body.Results[0].Status == "created"
	if want := who == []string{"owner", "other"}[s]; created != want {
		t.Errorf("%s pushing a visit on the %s side: %+v, want created=%v", who, sideName(s), body.Results, want)
	}
}
