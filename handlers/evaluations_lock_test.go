package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// checkAudit expects one audit entry per adjustment, with its reason.
func checkAudit(t *testing.T, env *testenv.Env) {
	t.Helper()
	var entries []models.AuditEntry
	if err := env.DB().Where("record_type = ?", "evaluation_adjustment").Order("id").Find(&entries).Error; err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].ActorRole != models.RoleBureau || entries[0].AfterJSON == nil ||
		!strings.Contains(*entries[0].AfterJSON, "带动全村茶叶增收") {
		t.Errorf("adjustment audit entries: %+v", entries)
	}
}

// checkScorecardC reads c's own scorecard: 90 points earned, 3 deducted,
// 10 added → 97, 优秀, rank 2 of 6.
func checkScorecardC(t *testing.T, env *testenv.Env, c *testenv.Person) {
	t.Helper()
	res := env.Do("GET", "/api/v1/me/scorecard?year=2024", c.Token, nil)
	evalMustStatus(t, res, http.StatusOK, "scorecard")
	var sc struct {
		RegionCode       string  `json:"region_code"`
		Score            float64 `json:"score"`
		Grade            string  `json:"grade"`
		Rank, Evaluated  int
		BasePoints       float64 `json:"base_points"`
		DeductionPoints  float64 `json:"deduction_points"`
		AdjustmentPoints float64 `json:"adjustment_points"`
		Indicators       []struct {
			Key                                string
			Value, Target, Weight, Cap, Points float64
		} `json:"indicators"`
		Adjustments []struct{ Reason string } `json:"adjustments"`
	}
	res.Decode(t, &sc)
	if sc.RegionCode != "330824" || sc.Score != 97 || sc.Grade != "优秀" || sc.Rank != 2 || sc.Evaluated != 6 ||
		sc.BasePoints != 90 || sc.DeductionPoints != 3 || sc.AdjustmentPoints != 10 {
		t.Errorf("scorecard: %s", res.Body)
	}
	if len(sc.Indicators) != 10 || len(sc.Adjustments) != 1 {
		t.Fatalf("scorecard detail: %s", res.Body)
	}
	// The second indicator of testRubric: visits, target 10, cap 1.5;
	// c made 10 visits → 10 × min(10/10, 1.5) = 10.
	v := sc.Indicators[1]
	if v.Key != "visits" || v.Value != 10 || v.Target != 10 || v.Weight != 10 || v.Cap != 1.5 || v.Points != 10 {
		t.Errorf("scorecard visits: %+v", v)
	}
	evalMustStatus(t, env.Do("GET", "/api/v1/me/scorecard?year=2023", c.Token, nil), http.StatusNotFound, "scorecard of a year never run")
}

// checkLock locks the year: runs, adjustments and rubric changes answer
// 409 and change nothing; reads go on.
func checkLock(t *testing.T, env *testenv.Env, bureau string, r roster) {
	t.Helper()
	const q = "?region=330824"
	evalMustStatus(t, env.Do("POST", "/api/v1/evaluations/2024/lock"+q, bureau, nil), http.StatusOK, "lock")
	res := env.Do("POST", "/api/v1/evaluations/2024/lock"+q, bureau, nil)
	evalMustStatus(t, res, http.StatusOK, "lock again")
	if res.JSON()["locked"] != true {
		t.Errorf("lock answer: %s", res.Body)
	}
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/api/v1/evaluations/2024/runs" + q, nil},
		{"POST", "/api/v1/evaluations/2024/adjustments" + q, map[string]any{"commissioner_id": r.f.Commissioner.ID, "points": 60, "reason": "补录"}},
		{"PUT", "/api/v1/evaluations/2024/rubric" + q, testRubric},
	} {
		res := env.Do(c.method, c.path, bureau, c.body)
		if res.Status != http.StatusConflict || res.ErrorCode() != "conflict" {
			t.Errorf("%s %s after lock: %d %s", c.method, c.path, res.Status, res.Body)
		}
	}
	l := getList(t, env, bureau, "")
	if !l.Locked || l.Items[5].Score != 0 || l.Items[5].Grade != "不合格" {
		t.Errorf("locked list: %+v", l)
	}
	rub := env.Do("GET", "/api/v1/evaluations/2024/rubric"+q, bureau, nil)
	if rub.JSON()["locked"] != true {
		t.Errorf("locked rubric: %s", rub.Body)
	}
	res = env.Do("GET", "/api/v1/me/scorecard?year=2024", r.f.Token, nil)
	if m := res.JSON(); res.Status != http.StatusOK || m["grade"] != "不合格" || m["rank"] != 6.0 || m["locked"] != true {
		t.Errorf("f's scorecard: %d %s", res.Status, res.Body)
	}
}

// checkCityEvaluation runs Quzhou City (3308) for 2024, an evaluation of
// its own: g (home 330825) joins, the county's lock and adjustments do not
// apply. Its rubric is testRubric with cut-offs 70/40/20, a 60 % cap and
// the default deductions (1 per flagged visit, so c loses 2, not 3: 88):
// floor(0.6 × 7) = 4 may be 优秀. a 105, b 89.5 and c 88 take three; d
// and e (75, tied) do not fit together, so both are 合格; g: 20 days → 30,
// 20 visits → ratio 2 capped at 1.5 → 15, nothing else → 45, 合格; f 0.
func checkCityEvaluation(t *testing.T, env *testenv.Env, r roster) {
	t.Helper()
	admin := env.Admin()
	rubric := map[string]any{"indicators": testRubric["indicators"], "excellent_share_cap": 0.6,
		"grades": map[string]any{"优秀": 70, "合格": 40, "基本合格": 20}}
	evalMustStatus(t, env.Do("PUT", "/api/v1/evaluations/2024/rubric?region=3308", admin, rubric), http.StatusOK, "city rubric")
	evalMustStatus(t, env.Do("POST", "/api/v1/evaluations/2024/runs?region=3308", admin, nil), http.StatusCreated, "city run")
	res := env.Do("GET", "/api/v1/evaluations/2024?region=3308", admin, nil)
	evalMustStatus(t, res, http.StatusOK, "city list")
	var l evalList
	res.Decode(t, &l)
	first, second := tied(r.d, r.e)
	checkLines(t, l.Items, []want{{r.a, 105, "优秀", 1}, {r.b, 89.5, "优秀", 2}, {r.c, 88, "优秀", 3},
		{first, 75, "合格", 4}, {second, 75, "合格", 4}, {r.g, 45, "合格", 6}, {r.f, 0, "不合格", 7}})
	// c's own scorecard stays the county's: the deepest evaluation.
	sc := env.Do("GET", "/api/v1/me/scorecard?year=2024", r.c.Token, nil).JSON()
	if sc["region_code"] != "330824" || sc["score"] != 97.0 {
		t.Errorf("c's scorecard after the city run: %v", sc)
	}
}
