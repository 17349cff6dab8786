package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

var adjustmentID = regexp.MustCompile(`<input type="hidden" name="id" value="([0-9a-f-]{36})">`)

// apiScores reads the ranked list of the county's 2025 evaluation from the
// API: score by commissioner id, and whether it is locked.
func apiScores(t *testing.T, env *testenv.Env, token string) (map[string]float64, bool, map[string]int) {
	t.Helper()
	var list struct {
		Locked bool `json:"locked"`
		Items  []struct {
			CommissionerID string  `json:"commissioner_id"`
			Score          float64 `json:"score"`
			Adjustments    []any   `json:"adjustments"`
		} `json:"items"`
	}
	r := env.Do(http.MethodGet, "/api/v1/evaluations/2025?region=330824", token, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("API evaluation: %d %s", r.Status, r.Body)
	}
	r.Decode(t, &list)
	scores, adjs := map[string]float64{}, map[string]int{}
	for _, it := range list.Items {
		scores[it.CommissionerID], adjs[it.CommissionerID] = it.Score, len(it.Adjustments)
	}
	return scores, list.Locked, adjs
}

// TestEvaluationRunAdjustLock runs the county's 2025 evaluation from the
// console, refuses an adjustment without a reason (nothing stored), adds
// +5 points to A (A's score rises by exactly 5 in the API), locks after
// the confirmation, and is refused a run after the lock. A commissioner
// sees its own scorecard only; a township user cannot run.
func TestEvaluationRunAdjustLock(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		f := newFixture(t, env)
		c := newClient(t, env)
		c.signIn(f.bureau.User.Phone, f.bureau.Password)
		page := "/evaluations/2025?region=330824"
		early := newClient(t, env)
		if r := early.signIn(f.a.User.Phone, f.a.Password); r.Status != http.StatusOK || !strings.Contains(r.Body, "尚未计算") {
			t.Errorf("a commissioner before any run: %d at %s", r.Status, r.URL)
		}
		if r := c.get(page); r.Status != http.StatusOK || !strings.Contains(r.Body, "尚未计算") {
			t.Fatalf("before the run: %d", r.Status)
		}
		if r := c.post(page, "/evaluations/2025/runs?region=330824", nil); r.Status != http.StatusOK || r.URL != page {
			t.Fatalf("run: %d at %s", r.Status, r.URL)
		}
		before, _, _ := apiScores(t, env, f.bureau.Token)
		r := c.get(page)
		for id, s := range before {
			row := figures(t, r.Body, `data-code="`+id+`"`, "</tr>")
			if row["score"] != s {
				t.Errorf("score of %s: page %v, API %v", id, row["score"], s)
			}
		}
		if len(before) != 2 {
			t.Errorf("evaluated %d commissioners, want A and B", len(before))
		}

		a := f.a.Commissioner.ID
		r = c.post(page, "/evaluations/2025/adjustments?region=330824", url.Values{"commissioner_id": {a}, "points": {"5"}, "reason": {"  "}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "须填写调整理由") {
			t.Fatalf("adjustment without a reason: %d", r.Status)
		}
		if _, _, adjs := apiScores(t, env, f.bureau.Token); adjs[a] != 0 {
			t.Fatal("a refused adjustment was stored")
		}
		// The form carries its own id: sent twice (a double click, a page
		// sent again), it adds the points once.
		m := adjustmentID.FindStringSubmatch(c.get(page).Body)
		if m == nil {
			t.Fatal("the adjustment form has no id")
		}
		for range 2 {
			r = c.post(page, "/evaluations/2025/adjustments?region=330824", url.Values{"id": {m[1]}, "commissioner_id": {a}, "points": {"5"}, "reason": {"带动茶农增收成效突出"}})
			if r.Status != http.StatusOK {
				t.Fatalf("adjust: %d", r.Status)
			}
		}
		after, _, adjs := apiScores(t, env, f.bureau.Token)
		if after[a] != before[a]+5 || adjs[a] != 1 {
			t.Errorf("A's score %v after +5 on %v (%d adjustments)", after[a], before[a], adjs[a])
		}
		if n := adjustmentID.FindStringSubmatch(c.get(page).Body); n == nil || n[1] == m[1] {
			t.Errorf("the form after an adjustment has id %v, want a new one (was %s)", n, m[1])
		}

		if r := c.post(page, "/evaluations/2025/lock?region=330824", nil); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("lock without the confirmation: %d", r.Status)
		}
		if _, locked, _ := apiScores(t, env, f.bureau.Token); locked {
			t.Fatal("locked without the confirmation")
		}
		if r := c.post(page, "/evaluations/2025/lock?region=330824", url.Values{"confirm": {"yes"}}); r.Status != http.StatusOK {
			t.Fatalf("lock: %d", r.Status)
		}
		if _, locked, _ := apiScores(t, env, f.bureau.Token); !locked {
			t.Fatal("not locked")
		}
		r = c.post("/evaluations/2025/commissioners/"+a, "/evaluations/2025/runs?region=330824", nil)
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, "已锁定") {
			t.Errorf("run after the lock: %d", r.Status)
		}

		cm := newClient(t, env)
		cm.signIn(f.a.User.Phone, f.a.Password)
		own := cm.get("/evaluations/2025/commissioners/" + a)
		if own.Status != http.StatusOK || !strings.Contains(own.Body, "带动茶农增收成效突出") {
			t.Errorf("own scorecard: %d", own.Status)
		}
		if sc := figures(t, own.Body, `class="figures totals"`, "</section>"); sc["score"] != after[a] {
			t.Errorf("scorecard score %v, API %v", sc["score"], after[a])
		}
		for path, want := range map[string]int{
			"/evaluations/2025/commissioners/" + f.b.Commissioner.ID: http.StatusNotFound,
			page: http.StatusForbidden,
		} {
			if r := cm.get(path); r.Status != want {
				t.Errorf("commissioner, %s: %d, want %d", path, r.Status, want)
			}
		}
		tw := newClient(t, env)
		tw.signIn(f.township.User.Phone, f.township.Password)
		if r := tw.post("/evaluations/2025?region=330824202", "/evaluations/2025/runs?region=330824202", nil); r.Status != http.StatusForbidden {
			t.Errorf("township run: %d", r.Status)
		}
	})
}
