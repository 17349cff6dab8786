package web_test

import (
	"net/http"
	"regexp"
	"slices"
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

// TestActivityPages lists 108 commissioners of the county in 2025 on two
// pages of 100: the fixture's A and B (quiet, with old visits), 105 new
// ones with no work at all (quiet, never worked: first) and D, who visited
// yesterday (last). Page 1 holds 100 of the never-worked; page 2 the
// other 5, then A, B (A's last visit is older) and D. The two pages
// together are the API's groups with the API's figures; the headline
// figures and the quiet count (107) are the county's on both pages; page
// numbers past the last show the last, others are refused.
func TestActivityPages(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		f := newFixture(t, env)
		fresh := map[string]bool{}
		for range 105 {
			fresh[env.NewUser(models.RoleCommissioner, changhong).Commissioner.ID] = true
		}
		d := env.NewUser(models.RoleCommissioner, zhongcun)
		f.visit(d, beiyuan, time.Now().In(cst).AddDate(0, 0, -1).Truncate(time.Hour))

		c := newClient(t, env)
		c.signIn(f.bureau.User.Phone, f.bureau.Password)
		api := env.Do(http.MethodGet, "/api/v1/stats/services?region=330824&year=2025&group_by=commissioner", f.bureau.Token, nil)
		var svc struct {
			Totals map[string]float64 `json:"totals"`
			Groups []map[string]any   `json:"groups"`
		}
		api.Decode(t, &svc)
		if len(svc.Groups) != 108 {
			t.Fatalf("the API groups %d commissioners, by hand 108", len(svc.Groups))
		}
		rows := regexp.MustCompile(`<tr data-code="([^"]+)"( class="quiet")?>`)
		read := func(path string) (string, []string, map[string]bool) {
			t.Helper()
			r := c.get(path)
			if r.Status != http.StatusOK {
				t.Fatalf("%s: %d", path, r.Status)
			}
			table := r.Body[strings.Index(r.Body, `id="commissioners"`):]
			table = table[:strings.Index(table, "</table>")]
			var keys []string
			quiet := map[string]bool{}
			for _, m := range rows.FindAllStringSubmatch(table, -1) {
				keys = append(keys, m[1])
				quiet[m[1]] = m[2] != ""
			}
			page := figures(t, r.Body, `class="figures totals"`, "</section>")
			for _, k := range []string{"visits", "visit_days", "trainings", "farmers_served"} {
				if page[k] != svc.Totals[k] {
					t.Errorf("%s: %s %v, API %v", path, k, page[k], svc.Totals[k])
				}
			}
			if !strings.Contains(r.Body, `<span class="label">`+"30天无记录"+`</span><span class="fig">107</span>`) {
				t.Errorf("%s: the quiet count is not the county's 107", path)
			}
			for _, g := range svc.Groups {
				if !slices.Contains(keys, g["key"].(string)) {
					continue
				}
				row := figures(t, table, `data-code="`+g["key"].(string)+`"`, "</tr>")
				for _, k := range []string{"visits", "visit_days", "trainings"} {
					if row[k] != g[k].(float64) {
						t.Errorf("%s: %s of %s: page %v, API %v", path, k, g["name"], row[k], g[k])
					}
				}
			}
			return r.Body, keys, quiet
		}
		body1, page1, quiet1 := read("/activity?region=330824&year=2025")
		if len(page1) != 100 {
			t.Fatalf("page 1 lists %d commissioners, want 100", len(page1))
		}
		for _, k := range page1 {
			if !fresh[k] || !quiet1[k] {
				t.Errorf("page 1 lists %s (never worked %v, quiet %v); only never-worked ones belong there", k, fresh[k], quiet1[k])
			}
		}
		if !strings.Contains(body1, `href="?page=2&amp;region=330824&amp;year=2025#commissioners" rel="next"`) || strings.Contains(body1, `rel="prev"`) {
			t.Error("page 1 should link to page 2 and to no page before")
		}
		if !strings.Contains(body1, "第 1 / 2 页（第 1–100 名，共 108 名）") {
			t.Error("page 1 does not say which page of how many it is")
		}
		body2, page2, quiet2 := read("/activity?region=330824&year=2025&page=2")
		if len(page2) != 8 {
			t.Fatalf("page 2 lists %d commissioners, want 8", len(page2))
		}
		for _, k := range page2[:5] {
			if !fresh[k] || !quiet2[k] {
				t.Errorf("page 2 starts with %s, not one of the never-worked", k)
			}
		}
		if want := []string{f.a.Commissioner.ID, f.b.Commissioner.ID, d.Commissioner.ID}; !slices.Equal(page2[5:], want) {
			t.Errorf("page 2 ends with %v, want A, B, D %v", page2[5:], want)
		}
		if !quiet2[f.a.Commissioner.ID] || !quiet2[f.b.Commissioner.ID] || quiet2[d.Commissioner.ID] {
			t.Errorf("quiet: A %v, B %v, D %v; want A and B", quiet2[f.a.Commissioner.ID], quiet2[f.b.Commissioner.ID], quiet2[d.Commissioner.ID])
		}
		if !strings.Contains(body2, `href="?region=330824&amp;year=2025#commissioners" rel="prev"`) || strings.Contains(body2, `rel="next"`) {
			t.Error("page 2 should link back to page 1 and to no page after")
		}
		all := append(slices.Clone(page1), page2...)
		var keys []string
		for _, g := range svc.Groups {
			keys = append(keys, g["key"].(string))
		}
		slices.Sort(all)
		slices.Sort(keys)
		if !slices.Equal(all, keys) {
			t.Error("the two pages together are not the API's groups")
		}
		if _, past, _ := read("/activity?region=330824&year=2025&page=9"); !slices.Equal(past, page2) {
			t.Error("a page past the last does not show the last")
		}
		for _, bad := range []string{"0", "-1", "x", "1.5"} {
			if r := c.get("/activity?region=330824&year=2025&page=" + bad); r.Status != http.StatusBadRequest {
				t.Errorf("page=%s: %d, want 400", bad, r.Status)
			}
		}
	})
}
