package security_test

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
)

func init() {
	for name, ft := range recordFuzzTargets {
		fuzzTargets[name] = ft
	}
}

func asOwner(_ *testing.T, w *world) string { return w.token("owner") }

// recordFuzzTargets are the field record bodies, each created by who may
// (the in side's commissioner; the township office for demands), the
// sync push envelope and a village's reference point.
var recordFuzzTargets = map[string]fuzzTarget{
	"FuzzVisit":       {method: "POST", path: "/api/v1/visits", caller: asOwner, holds: recordsBounded},
	"FuzzPatchVisit":  {method: "PATCH", path: "/api/v1/visits/{visit}", caller: asOwner, state: readState("/api/v1/visits/{visit}")},
	"FuzzTraining":    {method: "POST", path: "/api/v1/trainings", caller: asOwner},
	"FuzzPlot":        {method: "POST", path: "/api/v1/plots", caller: asOwner},
	"FuzzObservation": {method: "POST", path: "/api/v1/plots/{plot}/observations", caller: asOwner},
	"FuzzHarvest":     {method: "POST", path: "/api/v1/plots/{plot}/harvests", caller: asOwner},
	"FuzzHousehold":   {method: "POST", path: "/api/v1/households", caller: asOwner, holds: namesClean},
	"FuzzIncome":      {method: "POST", path: "/api/v1/households/{household}/incomes", caller: asOwner},
	"FuzzProject":     {method: "POST", path: "/api/v1/projects", caller: asOwner},
	"FuzzDemand": {method: "POST", path: "/api/v1/demands", caller: func(_ *testing.T, w *world) string {
		return w.token("town")
	}},
	// A push answers 200 with a result per change and keeps a receipt;
	// when no change was applied, no record may have been stored.
	"FuzzSyncPush": {method: "POST", path: "/api/v1/sync/push", caller: asOwner, refused: nothingApplied, state: countsBut("sync_pushes"),
		holds: recordsBounded},
	"FuzzReferencePoint": {method: "PUT", path: "/api/v1/regions/{village}/reference-point", caller: asAdmin,
		state: readState("/api/v1/regions/{village}/reference-point")},
}

// nothingApplied reports whether a push answer applied no change.
func nothingApplied(rec *httptest.ResponseRecorder) bool {
	if rec.Code != 200 {
		return true
	}
	var body struct{ Results []struct{ Status string } }
	if json.Unmarshal(rec.Body.Bytes(), &body) != nil {
		return false
	}
	for _, r := range body.Results {
		switch r.Status {
		case "created", "updated", "deleted":
			return false
		}
	}
	return true
}

// FuzzVisit fuzzes POST /visits.
func FuzzVisit(f *testing.F) { fuzzJSON(f, "FuzzVisit") }

// FuzzPatchVisit fuzzes PATCH /visits/{id}.
func FuzzPatchVisit(f *testing.F) { fuzzJSON(f, "FuzzPatchVisit") }

// FuzzTraining fuzzes POST /trainings.
func FuzzTraining(f *testing.F) { fuzzJSON(f, "FuzzTraining") }

// FuzzPlot fuzzes POST /plots.
func FuzzPlot(f *testing.F) { fuzzJSON(f, "FuzzPlot") }

// FuzzObservation fuzzes POST /plots/{id}/observations.
func FuzzObservation(f *testing.F) { fuzzJSON(f, "FuzzObservation") }

// FuzzHarvest fuzzes POST /plots/{id}/harvests.
func FuzzHarvest(f *testing.F) { fuzzJSON(f, "FuzzHarvest") }

// FuzzHousehold fuzzes POST /households.
func FuzzHousehold(f *testing.F) { fuzzJSON(f, "FuzzHousehold") }

// FuzzIncome fuzzes POST /households/{id}/incomes.
func FuzzIncome(f *testing.F) { fuzzJSON(f, "FuzzIncome") }

// FuzzProject fuzzes POST /projects.
func FuzzProject(f *testing.F) { fuzzJSON(f, "FuzzProject") }

// FuzzDemand fuzzes POST /demands.
func FuzzDemand(f *testing.F) { fuzzJSON(f, "FuzzDemand") }

// FuzzSyncPush fuzzes the sync push envelope and its changes.
func FuzzSyncPush(f *testing.F) { fuzzJSON(f, "FuzzSyncPush") }

// FuzzReferencePoint fuzzes PUT /regions/{code}/reference-point.
func FuzzReferencePoint(f *testing.F) { fuzzJSON(f, "FuzzReferencePoint") }
