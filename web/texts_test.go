package web_test

import (
	"net/url"
	"regexp"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// rawKey matches a catalog key shown as itself, which is what a text
// missing from the catalog looks like on a page.
var rawKey = regexp.MustCompile(`>\s*((?:s|ind|flag|lvl|role)_[a-z_]+|[a-z]+_[a-z_]+)\s*<`)

// TestEveryTextInCatalog opens every page in Chinese and in English and
// fails on any text the catalog lacks.
func TestEveryTextInCatalog(t *testing.T) {
	env := testenv.New(t, "sqlite")
	f := newFixture(t, env)
	c := newClient(t, env)
	c.signIn(f.bureau.User.Phone, f.bureau.Password)
	c.post("/evaluations/2025?region=330824", "/evaluations/2025/runs?region=330824", nil)
	pages := []string{"/coverage?region=330824&year=2025", "/villages/" + xifan, "/visits/" + f.firstVisit.ID,
		"/activity?region=330824&year=2025", "/services?region=330824&year=2025&group_by=month",
		"/income?region=330824&year=2025", "/report?region=330824&year=2025", "/evaluations/2025?region=330824",
		"/evaluations/2025/rubric?region=330824", "/evaluations/2025/commissioners/" + f.a.Commissioner.ID,
		"/people?region=330824&township=330824205", "/password", "/logout"}
	for _, lang := range []string{"en", "zh"} {
		c.post("/coverage", "/lang", url.Values{"lang": {lang}, "next": {"/coverage"}})
		for _, p := range pages {
			r := c.get(p)
			if r.Status != 200 {
				t.Errorf("%s %s: %d", lang, p, r.Status)
			}
			for _, m := range rawKey.FindAllStringSubmatch(r.Body, -1) {
				t.Errorf("%s %s shows %q, missing from the catalog", lang, p, m[1])
			}
		}
	}
}
