package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// TestAssignTownship assigns a commissioner to all 10 rural villages of
// 长虹乡 with one form: a form naming a village outside the bureau's
// county stores nothing; the whole township then goes in at once, and the
// API's coverage of 长虹乡 in 2026 shows 10 assigned villages (B's
// assignment to 北源 dates from 2025 and is open-ended, so 北源 counts once).
func TestAssignTownship(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		f := newFixture(t, env)
		c := newClient(t, env)
		c.signIn(f.bureau.User.Phone, f.bureau.Password)
		page := "/people?region=330824&township=" + changhong
		r := c.get(page)
		if r.Status != http.StatusOK || strings.Count(r.Body, `name="village"`) != 10 {
			t.Fatalf("people page: %d, %d villages", r.Status, strings.Count(r.Body, `name="village"`))
		}
		form := url.Values{"assignee": {"commissioner:" + f.a.Commissioner.ID}, "start_date": {"2026-01-01"}}
		for _, m := range strings.Split(r.Body, `name="village" value="`)[1:] {
			form.Add("village", m[:12])
		}
		bad := url.Values{"assignee": form["assignee"], "start_date": form["start_date"], "village": append([]string{"330825100200"}, form["village"]...)}
		action := "/people/assignments?region=330824&township=" + changhong
		if r := c.post(page, action, bad); r.Status < 400 {
			t.Fatalf("a village outside the county: %d", r.Status)
		}
		assigned := func() float64 {
			var cov struct {
				Totals map[string]float64 `json:"totals"`
			}
			env.Do(http.MethodGet, "/api/v1/stats/coverage?region="+changhong+"&year=2026", f.bureau.Token, nil).Decode(t, &cov)
			return cov.Totals["assigned_villages"]
		}
		if n := assigned(); n != 1 {
			t.Fatalf("after a refused form %v villages are assigned, want B's 1", n)
		}
		r = c.post(page, action, form)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, `id="people-done"`) {
			t.Fatalf("assign: %d", r.Status)
		}
		if n := assigned(); n != 10 {
			t.Errorf("assigned villages of 长虹乡 in 2026: %v, want 10", n)
		}
		// The same form sent again (a double click, a page sent again) is
		// refused whole: A holds those villages already.
		var before, after int64
		env.DB().Table("assignments").Count(&before)
		if r := c.post(page, action, form); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "已有相同的联系") {
			t.Errorf("the same form again: %d", r.Status)
		}
		env.DB().Table("assignments").Count(&after)
		if after != before {
			t.Errorf("the same form again stored %d more assignments", after-before)
		}
		tw := newClient(t, env)
		tw.signIn(f.township.User.Phone, f.township.Password)
		if r := tw.post("/people?region="+zhongcun, "/people/assignments?region="+zhongcun, form); r.Status != http.StatusForbidden {
			t.Errorf("township user assigning: %d", r.Status)
		}
		r = tw.get("/people?region=" + zhongcun)
		if r.Status != http.StatusOK || strings.Contains(r.Body, `id="assign-form"`) {
			t.Errorf("township user's people page: %d", r.Status)
		}
		// Users in 中村乡: the township user and commissioner A, not the
		// county's bureau user nor B of 长虹乡.
		users := r.Body[strings.Index(r.Body, `id="users"`):]
		users = users[:strings.Index(users, "</table>")]
		for id, want := range map[string]bool{f.township.User.ID: true, f.a.User.ID: true, f.bureau.User.ID: false, f.b.User.ID: false} {
			if strings.Contains(users, `data-code="`+id+`"`) != want {
				t.Errorf("user %s listed: %v, want %v", id, !want, want)
			}
		}
	})
}
