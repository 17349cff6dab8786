package handlers_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// evalItem is a line of GET /evaluations/{year} as the test reads it.
type evalItem struct {
	CommissionerID string  `json:"commissioner_id"`
	Name           string  `json:"name"`
	Score          float64 `json:"score"`
	Grade          string  `json:"grade"`
	Rank           int     `json:"rank"`
	Indicators     map[string]struct {
		Value, Target, Points float64
	} `json:"indicators"`
	Flags struct {
		FlaggedVisits int            `json:"flagged_visits"`
		Counts        map[string]int `json:"counts"`
		Deduction     float64        `json:"deduction"`
	} `json:"flags"`
	Adjustments []struct {
		Points float64 `json:"points"`
		Reason string  `json:"reason"`
	} `json:"adjustments"`
}

type evalList struct {
	Locked     bool       `json:"locked"`
	Evaluated  int        `json:"evaluated"`
	Items      []evalItem `json:"items"`
	NextCursor string     `json:"next_cursor"`
}

// want is one expected line: who, score, grade, rank.
type want struct {
	who   *testenv.Person
	score float64
	grade string
	rank  int
}

func evalMustStatus(t *testing.T, r *testenv.Resp, status int, what string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d: %s", what, r.Status, status, r.Body)
	}
}

func getList(t *testing.T, env *testenv.Env, token, query string) evalList {
	t.Helper()
	r := env.Do("GET", "/api/v1/evaluations/2024?region=330824"+query, token, nil)
	evalMustStatus(t, r, http.StatusOK, "list")
	var l evalList
	r.Decode(t, &l)
	return l
}

// checkLines compares the list with the expected lines, in order (ties in
// commissioner id order).
func checkLines(t *testing.T, items []evalItem, wants []want) {
	t.Helper()
	if len(items) != len(wants) {
		t.Fatalf("%d lines, want %d: %+v", len(items), len(wants), items)
	}
	for i, w := range wants {
		it := items[i]
		if it.CommissionerID != w.who.Commissioner.ID || it.Score != w.score || it.Grade != w.grade || it.Rank != w.rank {
			t.Errorf("line %d: %s %v %s #%d, want %s %v %s #%d", i, it.Name, it.Score, it.Grade, it.Rank,
				w.who.Commissioner.Name, w.score, w.grade, w.rank)
		}
	}
}

// tied orders two people as the list does for equal scores.
func tied(x, y *testenv.Person) (*testenv.Person, *testenv.Person) {
	if x.Commissioner.ID < y.Commissioner.ID {
		return x, y
	}
	return y, x
}

func TestEvaluationScoring(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		r := newRoster(t, env)
		bureau := env.NewUser(models.RoleBureau, "330824").Token
		evalMustStatus(t, env.Do("GET", "/api/v1/evaluations/2024?region=330824", bureau, nil), http.StatusNotFound, "list before a run")
		evalMustStatus(t, env.Do("PUT", "/api/v1/evaluations/2024/rubric?region=330824", bureau, testRubric), http.StatusOK, "put rubric")
		res := env.Do("POST", "/api/v1/evaluations/2024/runs?region=330824", bureau, nil)
		evalMustStatus(t, res, http.StatusCreated, "run")
		if n := res.JSON()["commissioners"]; n != float64(6) {
			t.Fatalf("run evaluated %v commissioners, want 6 (a–f)", n)
		}

		// Before adjustments: a 105, b 89.5, c 87 (优秀 by score, but only
		// floor(0.4 × 6) = 2 may keep it) → 合格, d and e 75 share rank 4,
		// f 0 → 不合格 at rank 6.
		first, second := tied(r.d, r.e)
		l := getList(t, env, bureau, "&limit=500")
		checkLines(t, l.Items, []want{{r.a, 105, "优秀", 1}, {r.b, 89.5, "优秀", 2}, {r.c, 87, "合格", 3},
			{first, 75, "合格", 4}, {second, 75, "合格", 4}, {r.f, 0, "不合格", 6}})
		if l.Locked || l.Evaluated != 6 || l.NextCursor != "" {
			t.Errorf("list header: locked %v evaluated %d cursor %q", l.Locked, l.Evaluated, l.NextCursor)
		}
		checkIndicatorsA(t, l.Items[0])
		checkFlagsC(t, l.Items[2])
		checkPaging(t, env, bureau, l.Items)

		checkAdjustments(t, env, bureau, r)
		checkAudit(t, env)
		checkScorecardC(t, env, r.c)
		checkLock(t, env, bureau, r)
		checkCityEvaluation(t, env, r)
	})
}

// checkIndicatorsA checks every value and point of a's line.
func checkIndicatorsA(t *testing.T, a evalItem) {
	t.Helper()
	wantVals := map[string][2]float64{
		"visit_days": {10, 30}, "visits": {15, 15}, "trainings": {2, 10}, "trainees": {120, 10},
		"villages_visited_rate": {1, 10}, "plots": {1, 0}, "plot_area_mu": {25, 10}, "technologies": {4, 10},
		"income_increase_fen": {1_000_000, 5}, "demands_resolved": {2, 5},
	}
	if len(a.Indicators) != len(wantVals) {
		t.Errorf("a has %d indicators, want %d", len(a.Indicators), len(wantVals))
	}
	for k, w := range wantVals {
		if got := a.Indicators[k]; got.Value != w[0] || got.Points != w[1] {
			t.Errorf("a %s: value %v points %v, want %v and %v", k, got.Value, got.Points, w[0], w[1])
		}
	}
	if a.Indicators["visits"].Target != 10 || a.Flags.FlaggedVisits != 0 || len(a.Adjustments) != 0 {
		t.Errorf("a: %+v", a)
	}
}

// checkFlagsC checks c's evidence flags and the rate of its villages.
func checkFlagsC(t *testing.T, c evalItem) {
	t.Helper()
	f := c.Flags
	if f.FlaggedVisits != 2 || f.Deduction != 3 || f.Counts["far_from_village"] != 2 || f.Counts["photo_time_mismatch"] != 1 {
		t.Errorf("c's flags: %+v", f)
	}
	if v := c.Indicators["villages_visited_rate"]; v.Value != 0.5 || v.Points != 5 {
		t.Errorf("c's village rate: %+v", v)
	}
}

// checkPaging walks the list two lines a page and expects the same lines.
func checkPaging(t *testing.T, env *testenv.Env, token string, all []evalItem) {
	t.Helper()
	var got []evalItem
	cursor := ""
	for page := 0; page < 5; page++ {
		l := getList(t, env, token, "&limit=2&cursor="+cursor)
		got = append(got, l.Items...)
		if cursor = l.NextCursor; cursor == "" {
			break
		}
	}
	if fmt.Sprint(evalIDs(got)) != fmt.Sprint(evalIDs(all)) {
		t.Errorf("paged lines %v, want %v", evalIDs(got), evalIDs(all))
	}
}

func evalIDs(items []evalItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.CommissionerID
	}
	return out
}

// checkAdjustments: adjustments show at once: c +10 → 97 passes b and
// takes 优秀 from it; e +5 → 80 passes d. A new run keeps them.
func checkAdjustments(t *testing.T, env *testenv.Env, bureau string, r roster) {
	t.Helper()
	const path = "/api/v1/evaluations/2024/adjustments?region=330824"
	adj := env.Do("POST", path, bureau, map[string]any{"commissioner_id": r.c.Commissioner.ID, "points": 10, "reason": "带动全村茶叶增收，获县委表彰"})
	evalMustStatus(t, adj, http.StatusCreated, "adjust c")
	if m := adj.JSON(); m["score"] != 97.0 || m["rank"] != 2.0 || m["grade"] != "优秀" {
		t.Errorf("adjustment answer: %s", adj.Body)
	}
	adj = env.Do("POST", path, bureau, map[string]any{"commissioner_id": r.e.Commissioner.ID, "points": 5, "reason": "超额完成培训任务"})
	evalMustStatus(t, adj, http.StatusCreated, "adjust e")
	after := []want{{r.a, 105, "优秀", 1}, {r.c, 97, "优秀", 2}, {r.b, 89.5, "合格", 3},
		{r.e, 80, "合格", 4}, {r.d, 75, "合格", 5}, {r.f, 0, "不合格", 6}}
	checkLines(t, getList(t, env, bureau, "").Items, after)

	evalMustStatus(t, env.Do("POST", "/api/v1/evaluations/2024/runs?region=330824", bureau, nil), http.StatusCreated, "re-run")
	l := getList(t, env, bureau, "")
	checkLines(t, l.Items, after)
	if a := l.Items[1].Adjustments; len(a) != 1 || a[0].Points != 10 || a[0].Reason != "带动全村茶叶增收，获县委表彰" {
		t.Errorf("c's adjustments: %+v", a)
	}
}
