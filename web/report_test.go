package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// TestReportServicesIncome checks the work report, services and income
// pages of the county in 2025 against the API's figures and by hand: 2
// commissioners (A and B, based in the county, terms over 2025), 255
// rural villages, 4 assigned, 4 visited, 5 visits on 5 visit-days serving
// 60 farmers with 100 leaflets, no household tracked.
func TestReportServicesIncome(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		f := newFixture(t, env)
		c := newClient(t, env)
		c.signIn(f.bureau.User.Phone, f.bureau.Password)
		hand := map[string]float64{"commissioners": 2, "teams": 0, "rural_villages": 255, "assigned_villages": 4,
			"visited_villages": 4, "visits": 5, "visit_days": 5, "farmers_served": 60, "trainings": 0, "households": 0}

		r := c.get("/report?region=330824&year=2025")
		if r.Status != http.StatusOK {
			t.Fatalf("report: %d", r.Status)
		}
		var sum struct {
			Figures   map[string]any `json:"figures"`
			Sentences []string       `json:"sentences"`
		}
		env.Do(http.MethodGet, "/api/v1/stats/summary?region=330824&year=2025", f.bureau.Token, nil).Decode(t, &sum)
		page := figures(t, r.Body, `class="data figures-table totals"`, "</table>")
		if len(page) < 20 {
			t.Errorf("the report shows %d figures, want 20", len(page))
		}
		for k, v := range page {
			if api, _ := sum.Figures[k].(float64); api != v {
				t.Errorf("report %s: page %v, API %v", k, v, sum.Figures[k])
			}
			if h, ok := hand[k]; ok && h != v {
				t.Errorf("report %s: page %v, by hand %v", k, v, h)
			}
		}
		for _, s := range sum.Sentences {
			if !strings.Contains(r.Body, s) {
				t.Errorf("report lacks the sentence %q", s)
			}
		}
		if !strings.Contains(r.Body, "全年共开展现场指导服务5次，累计下乡服务5天，服务农民60人次，发放技术资料100份。") {
			t.Error("the visits sentence is not the hand-worked one")
		}

		for _, tc := range []struct{ page, api, start string }{
			{"/services?region=330824&year=2025", "/api/v1/stats/services?region=330824&year=2025&group_by=region", `class="figures totals"`},
			{"/income?region=330824&year=2025", "/api/v1/stats/income?region=330824&year=2025", `class="figures totals"`},
		} {
			r := c.get(tc.page)
			if r.Status != http.StatusOK {
				t.Fatalf("%s: %d", tc.page, r.Status)
			}
			var body map[string]any
			env.Do(http.MethodGet, tc.api, f.bureau.Token, nil).Decode(t, &body)
			if tot, ok := body["totals"].(map[string]any); ok {
				body = tot
			}
			page := figures(t, r.Body, tc.start, "</section>")
			if len(page) < 5 {
				t.Errorf("%s shows %d figures", tc.page, len(page))
			}
			for k, v := range page {
				if api, _ := body[k].(float64); api != v {
					t.Errorf("%s %s: page %v, API %v", tc.page, k, v, body[k])
				}
				if h, ok := hand[k]; ok && h != v {
					t.Errorf("%s %s: page %v, by hand %v", tc.page, k, v, h)
				}
			}
		}
		if r := c.get("/services?region=330824&year=2025&group_by=commissioner"); !strings.Contains(r.Body, `data-code="`+f.a.Commissioner.ID+`"`) {
			t.Error("services by commissioner lacks A")
		}
	})
}
