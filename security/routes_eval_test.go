package security_test

import "fmt"

// Evaluations are addressed by year and region: a region outside the
// caller's scope is 403 (it names no record); township offices read their
// township's, commissioners only their own scorecard.
const (
	gridEvalRead  = "admin 200 bureau 200/403 bureauX 403/200 town 200/403 townX 403 owner 403 other 403 anon 401"
	gridEvalWrite = "all 403 admin %[1]d bureau %[1]d/403 bureauX 403/%[1]d anon 401"
)

var evaluationRules = map[string]rule{
	"GET /api/v1/evaluations/:year": {kind: kindList, want: gridEvalRead, target: "commissioner", idField: "commissioner_id", filtered: true,
		build: at("/api/v1/evaluations/{year}?limit=500&region={township}")},
	"GET /api/v1/evaluations/:year/rubric": {kind: kindOther, want: gridEvalRead, build: at("/api/v1/evaluations/{year}/rubric?region={township}")},
	"PUT /api/v1/evaluations/:year/rubric": {kind: kindWrite, want: fmt.Sprintf(gridEvalWrite, 200), build: func(w *world, s int, who string) call {
		return call{path: fmt.Sprintf("/api/v1/evaluations/%d/rubric?region=%s", w.freshYear(), w.sides[s].township), body: testRubric}
	}},
	"POST /api/v1/evaluations/:year/runs": {kind: kindWrite, want: fmt.Sprintf(gridEvalWrite, 201), build: at("/api/v1/evaluations/{year}/runs?region={township}")},
	"POST /api/v1/evaluations/:year/adjustments": {kind: kindWrite, want: fmt.Sprintf(gridEvalWrite, 201), build: with("/api/v1/evaluations/{year}/adjustments?region={township}", func(w *world, s int) any {
		return map[string]any{"commissioner_id": w.sides[s].ids["commissioner"], "points": 0.5, "reason": "表彰"}
	})},
	"POST /api/v1/evaluations/:year/lock": {kind: kindWrite, want: fmt.Sprintf(gridEvalWrite, 200), build: func(w *world, s int, who string) call {
		path := fmt.Sprintf("/api/v1/evaluations/%d/%%s?region=%s", w.freshYear(), w.sides[s].township)
		w.must(201, "POST", fmt.Sprintf(path, "runs"), nil)
		return call{path: fmt.Sprintf(path, "lock")}
	}},
	"GET /api/v1/me/scorecard": {kind: kindOther, want: "all 403 owner 200 other 200 anon 401", build: at("/api/v1/me/scorecard?year={year}")},
}

// testRubric is a valid rubric.
var testRubric = map[string]any{
	"indicators": []map[string]any{
		{"key": "visit_days", "target": 60, "weight": 60},
		{"key": "trainings", "target": 4, "weight": 40, "cap": 1.2},
	},
	"grades":              map[string]float64{"优秀": 90, "合格": 75, "基本合格": 60},
	"excellent_share_cap": 0.3,
}
