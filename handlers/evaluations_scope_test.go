package handlers_test

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

func TestEvaluationAccess(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		bureau := env.NewUser(models.RoleBureau, "330824").Token
		other := env.NewUser(models.RoleBureau, "330825").Token
		township := env.NewUser(models.RoleTownship, "330824115").Token
		comm := env.NewUser(models.RoleCommissioner, "330824")
		const base = "/api/v1/evaluations/2024"
		// Before any run the commissioner has no scorecard.
		evalMustStatus(t, env.Do("GET", "/api/v1/me/scorecard?year=2024", comm.Token, nil), http.StatusNotFound, "scorecard before run")
		evalMustStatus(t, env.Do("POST", base+"/runs", bureau, nil), http.StatusCreated, "bureau runs its own county")
		checkAccessTable(t, env, bureau, other, township, comm.Token)
		// The township reads its own township's evaluation (nobody has a
		// home there) once the county bureau has run it.
		evalMustStatus(t, env.Do("POST", base+"/runs?region=330824115", bureau, nil), http.StatusCreated, "run township")
		res := env.Do("GET", base+"?region=330824115", township, nil)
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), `"items":[]`) {
			t.Errorf("township list: %d %s", res.Status, res.Body)
		}
		// A commissioner with no record: 0 points, 不合格, alone at rank 1.
		res = env.Do("GET", "/api/v1/me/scorecard?year=2024", comm.Token, nil)
		if m := res.JSON(); res.Status != 200 || m["score"] != 0.0 || m["grade"] != "不合格" || m["rank"] != 1.0 {
			t.Errorf("empty scorecard: %d %s", res.Status, res.Body)
		}
		checkRubricDefaults(t, env, bureau)
		checkRubricValidation(t, env, bureau)
		checkAdjustmentValidation(t, env, bureau, comm)
		checkConcurrentWrites(t, env, bureau, comm)
	})
}

// checkAccessTable: who may do what, by role and scope; bad paths and
// queries.
func checkAccessTable(t *testing.T, env *testenv.Env, bureau, other, township, comm string) {
	t.Helper()
	const base = "/api/v1/evaluations/2024"
	admin := env.Admin()
	for _, c := range []struct {
		name, method, path, token string
		status                    int
	}{
		{"no token", "GET", base + "?region=330824", "", 401},
		{"commissioner runs", "POST", base + "/runs?region=330824", comm, 403},
		{"commissioner lists", "GET", base + "?region=330824", comm, 403},
		{"commissioner reads rubric", "GET", base + "/rubric?region=330824", comm, 403},
		{"other county lists", "GET", base + "?region=330824", other, 403},
		{"other county runs", "POST", base + "/runs?region=330824", other, 403},
		{"other county adjusts", "POST", base + "/adjustments?region=330824", other, 403},
		{"bureau runs its province", "POST", base + "/runs?region=33", bureau, 403},
		{"township lists the county", "GET", base + "?region=330824", township, 403},
		{"township runs", "POST", base + "/runs?region=330824115", township, 403},
		{"township locks", "POST", base + "/lock?region=330824115", township, 403},
		{"township reads its rubric", "GET", base + "/rubric?region=330824115", township, 200},
		{"bureau scorecard", "GET", "/api/v1/me/scorecard?year=2024", bureau, 403},
		{"admin without region", "GET", base, admin, 400},
		{"bad year", "GET", "/api/v1/evaluations/20x4?region=330824", admin, 400},
		{"year out of range", "GET", "/api/v1/evaluations/1999?region=330824", admin, 400},
		{"bad region", "GET", base + "?region=3308x4", admin, 400},
		{"unknown region", "GET", base + "?region=330899", admin, 404},
		{"list of a year never run", "GET", "/api/v1/evaluations/2023?region=330824", bureau, 404},
		{"lock a year never run", "POST", "/api/v1/evaluations/2023/lock?region=330824", bureau, 409},
		{"admin lists anywhere", "GET", base + "?region=330824", admin, 200},
		{"scorecard with a bad year", "GET", "/api/v1/me/scorecard?year=abc", comm, 400},
	} {
		if res := env.Do(c.method, c.path, c.token, nil); res.Status != c.status {
			t.Errorf("%s: %d, want %d: %s", c.name, res.Status, c.status, res.Body)
		}
	}
}

// checkRubricDefaults reads the default rubric, then the county's own
// one as its townships inherit it.
func checkRubricDefaults(t *testing.T, env *testenv.Env, bureau string) {
	t.Helper()
	var rub struct {
		IsDefault    bool   `json:"is_default"`
		SourceRegion string `json:"source_region"`
		Indicators   []struct {
			Key                 string
			Target, Weight, Cap float64
		}
		Grades map[string]float64
	}
	env.Do("GET", "/api/v1/evaluations/2025/rubric?region=330824", bureau, nil).Decode(t, &rub)
	total := 0.0
	for _, ind := range rub.Indicators {
		total += ind.Weight
	}
	if !rub.IsDefault || rub.SourceRegion != "" || len(rub.Indicators) != 10 || total != 100 || rub.Grades["优秀"] != 90 {
		t.Errorf("default rubric: %+v", rub)
	}
	evalMustStatus(t, env.Do("PUT", "/api/v1/evaluations/2025/rubric?region=330824", bureau, testRubric), http.StatusOK, "put rubric")
	rub.Indicators = nil
	env.Do("GET", "/api/v1/evaluations/2025/rubric?region=330824115", bureau, nil).Decode(t, &rub)
	if rub.IsDefault || rub.SourceRegion != "330824" || len(rub.Indicators) != 10 || rub.Indicators[1].Cap != 1.5 || rub.Indicators[0].Cap != 1 {
		t.Errorf("inherited rubric: %+v", rub)
	}
}

// checkRubricValidation sends a rubric wrong in every way and expects one
// detail per bad field, and no change.
func checkRubricValidation(t *testing.T, env *testenv.Env, bureau string) {
	t.Helper()
	bad := map[string]any{
		"indicators": []map[string]any{
			{"key": "visit_days", "target": 0, "weight": 30},
			{"key": "bogus", "target": 5, "weight": 10},
			{"key": "visit_days", "target": 5, "weight": -1},
			{"key": "visits", "target": 5, "weight": 90, "cap": 0},
			{"key": "trainings", "weight": 10},
		},
		"grades":              map[string]any{"优秀": 60, "合格": 75, "不合格": 0},
		"excellent_share_cap": 1.5,
		"deductions":          map[string]any{"per_flagged_visit": -1},
	}
	const path = "/api/v1/evaluations/2026/rubric?region=330824"
	res := env.Do("PUT", path, bureau, bad)
	want := []string{"deductions.per_flagged_visit", "excellent_share_cap", "grades.不合格", "grades.基本合格", "grades.合格",
		"indicators", "indicators[0].target", "indicators[1].key", "indicators[2].key", "indicators[2].weight",
		"indicators[3].cap", "indicators[4].target"}
	sort.Strings(want)
	if got := detailFields(res); res.Status != 422 || strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("rubric validation: %d fields %v, want %v", res.Status, got, want)
	}
	if env.Do("GET", path, bureau, nil).JSON()["is_default"] != true {
		t.Errorf("a rejected rubric was stored")
	}
	evalMustStatus(t, env.Do("PUT", path, bureau, "{"), http.StatusBadRequest, "malformed rubric")
	evalMustStatus(t, env.Do("PUT", path, bureau, `{"indicators": "x"}`), 422, "rubric of the wrong type")
	evalMustStatus(t, env.Do("PUT", path, bureau, `{}`, "Content-Type", "text/plain"), 415, "rubric not JSON")
}

// checkAdjustmentValidation sends bad adjustments; none is stored.
func checkAdjustmentValidation(t *testing.T, env *testenv.Env, bureau string, comm *testenv.Person) {
	t.Helper()
	const path = "/api/v1/evaluations/2024/adjustments?region=330824"
	id := comm.Commissioner.ID
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"commissioner_id": id, "points": 5}, "reason"},
		{map[string]any{"commissioner_id": id, "points": 5, "reason": "   "}, "reason"},
		{map[string]any{"commissioner_id": id, "points": 0, "reason": "x"}, "points"},
		{map[string]any{"commissioner_id": id, "points": 1.234, "reason": "x"}, "points"},
		{map[string]any{"commissioner_id": id, "points": 101, "reason": "x"}, "points"},
		{map[string]any{"points": 5, "reason": "x"}, "commissioner_id"},
		{map[string]any{"commissioner_id": models.NewID(), "points": 5, "reason": "x"}, "commissioner_id"},
	} {
		res := env.Do("POST", path, bureau, c.body)
		if got := detailFields(res); res.Status != 422 || len(got) != 1 || got[0] != c.field {
			t.Errorf("adjustment %v: %d %s", c.body, res.Status, res.Body)
		}
	}
	res := env.Do("POST", "/api/v1/evaluations/2023/adjustments?region=330824", bureau, map[string]any{"commissioner_id": id, "points": 5, "reason": "x"})
	evalMustStatus(t, res, http.StatusNotFound, "adjustment of a year never run")
	var n int64
	env.DB().Model(&models.EvaluationAdjustment{}).Count(&n)
	if n != 0 {
		t.Errorf("%d adjustments stored by bad requests", n)
	}
}

func detailFields(res *testenv.Resp) []string {
	var body struct {
		Error struct {
			Details []struct{ Field string }
		}
	}
	var out []string
	if err := json.Unmarshal(res.Body, &body); err == nil {
		for _, d := range body.Error.Details {
			out = append(out, d.Field)
		}
	}
	sort.Strings(out)
	return out
}

// checkConcurrentWrites sends runs and adjustments of one evaluation at
// the same time: each succeeds, and every adjustment is kept.
func checkConcurrentWrites(t *testing.T, env *testenv.Env, bureau string, comm *testenv.Person) {
	t.Helper()
	const q = "?region=330824"
	statuses := make([]int, 8)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				statuses[i] = env.Do("POST", "/api/v1/evaluations/2024/runs"+q, bureau, nil).Status
				return
			}
			body := map[string]any{"commissioner_id": comm.Commissioner.ID, "points": 1.5, "reason": "并发调整"}
			statuses[i] = env.Do("POST", "/api/v1/evaluations/2024/adjustments"+q, bureau, body).Status
		}()
	}
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusCreated {
			t.Errorf("concurrent write %d: %d", i, s)
		}
	}
	res := env.Do("GET", "/api/v1/me/scorecard?year=2024", comm.Token, nil)
	if m := res.JSON(); m["score"] != 6.0 || m["adjustment_points"] != 6.0 {
		t.Errorf("after 4 adjustments of 1.5: %s", res.Body)
	}
}
