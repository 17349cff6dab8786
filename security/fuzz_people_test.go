package security_test

import (
	"fmt"
	"testing"
)

// fuzzTargets are the routes whose JSON bodies are fuzzed, by the name of
// their fuzz function.
var fuzzTargets = map[string]fuzzTarget{
	// Failed logins count against the limit by design: rate_limits may
	// change.
	"FuzzLogin":   {method: "POST", path: "/api/v1/auth/login", state: countsBut("rate_limits")},
	"FuzzRefresh": {method: "POST", path: "/api/v1/auth/refresh"},
	// Each input logs out a new login.
	"FuzzLogout": {method: "POST", path: "/api/v1/auth/logout", caller: func(t *testing.T, w *world) string {
		return w.freshSession(t, w.callers["bureau"].User.ID, "bureau")
	}},
	"FuzzCreateUser":         {method: "POST", path: "/api/v1/users", caller: asAdmin, holds: namesClean},
	"FuzzCreateCommissioner": {method: "POST", path: "/api/v1/commissioners", caller: asAdmin, holds: namesClean},
	// A refused patch leaves the commissioner as it was.
	"FuzzPatchCommissioner": {method: "PATCH", path: "/api/v1/commissioners/" + fuzzCommissioner, caller: asAdmin,
		state: readState("/api/v1/commissioners/" + fuzzCommissioner)},
	"FuzzCreateTeam":       {method: "POST", path: "/api/v1/teams", caller: asAdmin, holds: namesClean},
	"FuzzCreateAssignment": {method: "POST", path: "/api/v1/assignments", caller: asAdmin},
	// A refused rubric leaves the year's rubric as it was.
	"FuzzRubric": {method: "PUT", path: rubricPath, caller: asAdmin, state: readState(rubricPath)},
	"FuzzAdjustment": {method: "POST", caller: asAdmin,
		path: fmt.Sprintf("/api/v1/evaluations/%d/adjustments?region=%s", fuzzYear, inTownship)},
}

var rubricPath = fmt.Sprintf("/api/v1/evaluations/%d/rubric?region=%s", fuzzYear+1, inTownship)

func asAdmin(_ *testing.T, w *world) string { return w.admin() }

// FuzzLogin fuzzes POST /auth/login.
func FuzzLogin(f *testing.F) { fuzzJSON(f, "FuzzLogin") }

// FuzzRefresh fuzzes POST /auth/refresh.
func FuzzRefresh(f *testing.F) { fuzzJSON(f, "FuzzRefresh") }

// FuzzLogout fuzzes POST /auth/logout.
func FuzzLogout(f *testing.F) { fuzzJSON(f, "FuzzLogout") }

// FuzzCreateUser fuzzes POST /users.
func FuzzCreateUser(f *testing.F) { fuzzJSON(f, "FuzzCreateUser") }

// FuzzCreateCommissioner fuzzes POST /commissioners.
func FuzzCreateCommissioner(f *testing.F) { fuzzJSON(f, "FuzzCreateCommissioner") }

// FuzzPatchCommissioner fuzzes PATCH /commissioners/{id}.
func FuzzPatchCommissioner(f *testing.F) { fuzzJSON(f, "FuzzPatchCommissioner") }

// FuzzCreateTeam fuzzes POST /teams.
func FuzzCreateTeam(f *testing.F) { fuzzJSON(f, "FuzzCreateTeam") }

// FuzzCreateAssignment fuzzes POST /assignments.
func FuzzCreateAssignment(f *testing.F) { fuzzJSON(f, "FuzzCreateAssignment") }

// FuzzRubric fuzzes PUT /evaluations/{year}/rubric.
func FuzzRubric(f *testing.F) { fuzzJSON(f, "FuzzRubric") }

// FuzzAdjustment fuzzes POST /evaluations/{year}/adjustments.
func FuzzAdjustment(f *testing.F) { fuzzJSON(f, "FuzzAdjustment") }
