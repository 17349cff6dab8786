package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// TestActivity checks the activity page of the county in 2025 against
// the API's service totals and by hand: A made 3 visits on 3 days, B 2 on
// 2, each serving 12 farmers, so 5 visits, 5 visit-days, 60 farmers. C
// visited yesterday with a flagged visit, so A and B are quiet and come
// first (A, whose last visit is older, before B); C is last, with its flag
// explained in words on the visit's page.
func TestActivity(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		f := newFixture(t, env)
		cp := env.NewUser(models.RoleCommissioner, changhong)
		recent := f.visit(cp, beiyuan, time.Now().In(cst).AddDate(0, 0, -1).Truncate(time.Hour))
		flagged := *recent
		flagged.Flags = []string{models.FlagFarFromVillage}
		flagged.Version = 2
		env.Write(models.ActionUpdate, recent, &flagged)

		c := newClient(t, env)
		c.signIn(f.bureau.User.Phone, f.bureau.Password)
		r := c.get("/activity?region=330824&year=2025")
		if r.Status != http.StatusOK {
			t.Fatalf("activity: %d", r.Status)
		}
		api := env.Do(http.MethodGet, "/api/v1/stats/services?region=330824&year=2025&group_by=commissioner", f.bureau.Token, nil)
		var svc struct {
			Totals map[string]float64 `json:"totals"`
			Groups []map[string]any   `json:"groups"`
		}
		api.Decode(t, &svc)
		// Every commissioner the API groups is a row with the API's figures.
		table := r.Body[strings.Index(r.Body, `id="commissioners"`):]
		table = table[:strings.Index(table, "</table>")]
		if n := strings.Count(table, "<tr data-code="); n != len(svc.Groups) || n != 3 {
			t.Errorf("%d commissioner rows, the API has %d groups, by hand 3", n, len(svc.Groups))
		}
		for _, g := range svc.Groups {
			row := figures(t, table, `data-code="`+g["key"].(string)+`"`, "</tr>")
			for _, k := range []string{"visits", "visit_days", "trainings"} {
				if row[k] != g[k].(float64) {
					t.Errorf("%s of %s: page %v, API %v", k, g["name"], row[k], g[k])
				}
			}
		}
		page := figures(t, r.Body, `class="figures totals"`, "</section>")
		for k, hand := range map[string]float64{"visits": 5, "visit_days": 5, "trainings": 0, "farmers_served": 60} {
			if page[k] != svc.Totals[k] || svc.Totals[k] != hand {
				t.Errorf("%s: page %v, API %v, by hand %v", k, page[k], svc.Totals[k], hand)
			}
		}
		ia := strings.Index(r.Body, `data-code="`+f.a.Commissioner.ID+`" class="quiet"`)
		ib := strings.Index(r.Body, `data-code="`+f.b.Commissioner.ID+`" class="quiet"`)
		ic := strings.Index(r.Body, `data-code="`+cp.Commissioner.ID+`">`)
		if ia < 0 || ib < 0 || ic < 0 || !(ia < ib && ib < ic) {
			t.Errorf("order of A, B (quiet) and C: %d %d %d", ia, ib, ic)
		}
		if row := figures(t, r.Body, `data-code="`+f.a.Commissioner.ID+`"`, "</tr>"); row["visits"] != 3 || row["visit_days"] != 3 {
			t.Errorf("A's row: %v", row)
		}
		if !strings.Contains(r.Body, `href="/visits/`+f.firstVisit.ID+`"`) {
			t.Error("the feed lacks A's first visit")
		}
		now := c.get("/activity?region=330824")
		cRow := now.Body[strings.Index(now.Body, `data-code="`+cp.Commissioner.ID+`"`):]
		if !strings.Contains(cRow[:strings.Index(cRow, "</tr>")], "⚠ 1") {
			t.Error("C's flagged visit is not counted this year")
		}
		if v := c.get("/visits/" + recent.ID); !strings.Contains(v.Body, "走访地点距离该村较远") {
			t.Error("the flag is not explained in words on the visit page")
		}
	})
}
