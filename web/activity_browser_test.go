package web_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// TestBrowserActivityPages opens the activity page of a county with 108
// commissioners (the fixture's two, 105 who never worked and one who
// visited yesterday) in the browser, follows the link to the table's
// second page and back, with no console error or CSP violation.
// Screenshots of both pages are left in web/testdata/screenshots.
func TestBrowserActivityPages(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		b := newTab(t)
		f := newFixture(t, env)
		for range 105 {
			env.NewUser(models.RoleCommissioner, changhong)
		}
		f.visit(env.NewUser(models.RoleCommissioner, zhongcun), beiyuan, time.Now().In(cst).AddDate(0, 0, -1).Truncate(time.Hour))
		base := env.Server.URL
		if st := b.signIn(base, f.bureau.User.Phone, f.bureau.Password); st != 200 {
			t.Fatalf("sign in: status %d", st)
		}
		if res, err := chromedp.RunResponse(b.ctx, chromedp.Navigate(base+"/activity?region=330824&year=2025")); err != nil || res.Status != 200 {
			t.Fatalf("activity: %v %v", res, err)
		}
		rows := func() int {
			n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#commissioners tbody tr").length`))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := rows(); n != 100 {
			t.Fatalf("page 1 shows %d rows, want 100", n)
		}
		b.screenshots(env.Backend + "-activity-paged")
		if st := b.click(`.pager a[rel=next]`); st != 200 {
			t.Fatalf("next page: %d", st)
		}
		if loc := b.location(base); loc != "/activity?page=2&region=330824&year=2025#commissioners" {
			t.Fatalf("next page at %s", loc)
		}
		if n := rows(); n != 8 {
			t.Fatalf("page 2 shows %d rows, want 8", n)
		}
		b.screenshots(env.Backend + "-activity-page2")
		if st := b.click(`.pager a[rel=prev]`); st != 200 {
			t.Fatalf("previous page: %d", st)
		}
		if n := rows(); n != 100 {
			t.Fatalf("back on page 1: %d rows, want 100", n)
		}
		b.noConsoleErrors()
	})
}
