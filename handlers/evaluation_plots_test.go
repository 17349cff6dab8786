package handlers_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
)

// TestEvaluationCountsPlotsAsStatisticsDo: a plot without established_on
// counts in the year it was stored, in the statistics and in the
// evaluation alike (it used to count in the statistics only): 1 plot of
// 120.5 mu with one technology and one variety; a plot established in
// 2024 counts in neither this year's figures.
func TestEvaluationCountsPlotsAsStatisticsDo(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		w := newWorld(t, env)
		undated := plotBody(villageA)
		delete(undated, "established_on")
		post(t, env, "/plots", w.owner.Token, undated)
		post(t, env, "/plots", w.owner.Token, plotBody(villageA)) // established 2024-03-01
		year := time.Now().In(time.FixedZone("CST", 8*3600)).Year()

		var stats struct {
			Totals map[string]float64 `json:"totals"`
		}
		res := env.Do("GET", fmt.Sprintf("/api/v1/stats/services?region=%s&year=%d", county, year), w.bureau.Token, nil)
		mustStatus(t, res, http.StatusOK, "services")
		res.Decode(t, &stats)
		if s := stats.Totals; s["plots"] != 1 || s["plot_area_mu"] != 120.5 || s["technologies"] != 1 || s["varieties"] != 1 {
			t.Errorf("services of %d: %v, want 1 plot of 120.5 mu, 1 technology, 1 variety", year, s)
		}

		mustStatus(t, env.Do("POST", fmt.Sprintf("/api/v1/evaluations/%d/runs?region=%s", year, county), w.bureau.Token, nil), http.StatusCreated, "run")
		var list struct {
			Items []struct {
				CommissionerID string `json:"commissioner_id"`
				Indicators     map[string]struct {
					Value float64 `json:"value"`
				} `json:"indicators"`
			} `json:"items"`
		}
		res = env.Do("GET", fmt.Sprintf("/api/v1/evaluations/%d?region=%s", year, county), w.bureau.Token, nil)
		mustStatus(t, res, http.StatusOK, "evaluation")
		res.Decode(t, &list)
		found := false
		for _, it := range list.Items {
			if it.CommissionerID != w.owner.Commissioner.ID {
				continue
			}
			found = true
			in := it.Indicators
			if in["plots"].Value != 1 || in["plot_area_mu"].Value != 120.5 || in["technologies"].Value != 2 {
				t.Errorf("evaluation of %d: plots %v, area %v, technologies and varieties %v; want 1, 120.5, 2",
					year, in["plots"].Value, in["plot_area_mu"].Value, in["technologies"].Value)
			}
		}
		if !found {
			t.Errorf("the owner is not in the evaluation: %s", res.Body)
		}
	})
}
