package web_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// want is a region's coverage in 2025, worked out by hand from the
// fixture (see fixture_test.go).
type want struct{ rural, assigned, visited float64 }

func (w want) figures() map[string]float64 {
	return map[string]float64{"rural_villages": w.rural, "assigned_villages": w.assigned, "visited_villages": w.visited,
		"assigned_rate": round4(w.assigned / w.rural), "visited_rate": round4(w.visited / w.rural)}
}

// round4 rounds a rate as the API does: four decimals.
func round4(f float64) float64 {
	return math.Round(f*1e4) / 1e4
}

var coverage2025 = map[string]want{
	county: {255, 4, 4}, zhongcun: {9, 3, 2}, changhong: {10, 1, 2},
	xifan: {1, 1, 1}, xinmen: {1, 1, 0}, shufan: {1, 1, 1},
}

func apiFigures(t *testing.T, env *testenv.Env, token, region string) (totals map[string]float64, children map[string]map[string]float64) {
	t.Helper()
	r := env.Do(http.MethodGet, "/api/v1/stats/coverage?region="+region+"&year=2025", token, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("API coverage %s: %d %s", region, r.Status, r.Body)
	}
	var body struct {
		Totals   map[string]float64           `json:"totals"`
		Children []map[string]json.RawMessage `json:"children"`
	}
	r.Decode(t, &body)
	children = map[string]map[string]float64{}
	for _, ch := range body.Children {
		var code string
		_ = json.Unmarshal(ch["code"], &code)
		m := map[string]float64{}
		for k, v := range ch {
			var f float64
			if json.Unmarshal(v, &f) == nil {
				m[k] = f
			}
		}
		children[code] = m
	}
	return body.Totals, children
}

// sameFigures checks every figure on the page against the API's and the
// hand-worked value.
func sameFigures(t *testing.T, what string, page, api, hand map[string]float64) {
	t.Helper()
	if len(page) != 5 {
		t.Errorf("%s: page shows %d figures %v, want 5", what, len(page), page)
	}
	for k, h := range hand {
		if page[k] != api[k] {
			t.Errorf("%s %s: page %v, API %v", what, k, page[k], api[k])
		}
		if math.Abs(api[k]-h) > 1e-9 {
			t.Errorf("%s %s: API %v, by hand %v", what, k, api[k], h)
		}
	}
}

// TestCoverageFiguresMatchAPI walks from the county to a township and its
// villages and compares every figure with the API's for the same region
// and year, and with the figures worked out by hand.
func TestCoverageFiguresMatchAPI(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		f := newFixture(t, env)
		c := newClient(t, env)
		c.signIn(f.bureau.User.Phone, f.bureau.Password)
		for _, region := range []string{county, zhongcun} {
			r := c.get("/coverage?region=" + region + "&year=2025")
			if r.Status != http.StatusOK {
				t.Fatalf("coverage %s: %d", region, r.Status)
			}
			totals, children := apiFigures(t, env, f.bureau.Token, region)
			sameFigures(t, region, figures(t, r.Body, `class="figures totals"`, "</section>"), totals, coverage2025[region].figures())
			for code, api := range children {
				row := figures(t, r.Body, `data-code="`+code+`"`, "</tr>")
				if hand, ok := coverage2025[code]; ok {
					sameFigures(t, code, row, api, hand.figures())
				} else if row["assigned_villages"] != 0 || row["visited_villages"] != 0 || row["rural_villages"] != api["rural_villages"] {
					t.Errorf("%s row %v, API %v", code, row, api)
				}
			}
		}
		// March and April 2025: 西畈 (5 March) and 树范 (1 April) visited, 3 assigned, of 9.
		r := c.get("/coverage?region=" + zhongcun + "&from=2025-03-01&to=2025-04-30")
		var spring struct {
			Totals map[string]float64 `json:"totals"`
		}
		env.Do(http.MethodGet, "/api/v1/stats/coverage?region="+zhongcun+"&from=2025-03-01&to=2025-04-30", f.bureau.Token, nil).Decode(t, &spring)
		sameFigures(t, "spring", figures(t, r.Body, `class="figures totals"`, "</section>"), spring.Totals, want{9, 3, 2}.figures())
		r = c.get("/coverage?region=" + zhongcun + "&year=2025")
		if !strings.Contains(r.Body, `href="/villages/`+xifan+`"`) {
			t.Error("the township's page does not link its villages")
		}
		// The unvisited gap list of 中村乡 in 2025: its 9 villages but 西畈 and 树范.
		gaps := r.Body[strings.Index(r.Body, `id="gap-list"`):]
		for _, code := range []string{"330824202204", "330824202205", "330824202206", "330824202211", "330824202214", "330824202215", "330824202216", "330824202200"} {
			if strings.Contains(gaps, code) != (code != xifan) {
				t.Errorf("gap list and %s disagree", code)
			}
		}
	})
}

// TestTownshipScope checks that a township user reaches its own villages
// only: another township's village page is 404 by URL, another region's
// coverage 403, as in the API.
func TestTownshipScope(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		f := newFixture(t, env)
		c := newClient(t, env)
		c.signIn(f.township.User.Phone, f.township.Password)
		if r := c.get("/villages/" + xifan); r.Status != http.StatusOK || !strings.Contains(r.Body, "西畈村委会") {
			t.Fatalf("own village: %d", r.Status)
		}
		for path, status := range map[string]int{
			"/villages/" + beiyuan:                     http.StatusNotFound,
			"/villages/999999999999":                   http.StatusNotFound,
			"/coverage?region=" + changhong:            http.StatusForbidden,
			"/visits/" + f.firstVisit.ID:               http.StatusOK,
			"/api/v1/photos/" + f.photoID + "/content": http.StatusOK,
		} {
			if r := c.get(path); r.Status != status {
				t.Errorf("%s: %d, want %d", path, r.Status, status)
			}
		}
		other := newClient(t, env)
		p := env.NewUser("township", changhong)
		other.signIn(p.User.Phone, p.Password)
		for _, path := range []string{"/visits/" + f.firstVisit.ID, "/api/v1/photos/" + f.photoID + "/content"} {
			if r := other.get(path); r.Status != http.StatusNotFound {
				t.Errorf("another township, %s: %d, want 404", path, r.Status)
			}
		}
	})
}

// TestCoverageCSVWithCookie downloads the coverage table through the
// page's link: the API's export, authenticated by the console's cookie.
func TestCoverageCSVWithCookie(t *testing.T) {
	env := testenv.New(t, "sqlite")
	f := newFixture(t, env)
	c := newClient(t, env)
	c.signIn(f.bureau.User.Phone, f.bureau.Password)
	r := c.get("/coverage?region=" + zhongcun + "&year=2025")
	link := "/api/v1/stats/coverage?region=" + zhongcun + "&amp;year=2025&amp;format=csv"
	if !strings.Contains(r.Body, link) {
		t.Fatalf("no CSV link %s on the page", link)
	}
	csv := c.get(strings.ReplaceAll(link, "&amp;", "&"))
	if csv.Status != http.StatusOK || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %s", csv.Status, csv.Header.Get("Content-Type"))
	}
	if !strings.Contains(csv.Body, fmt.Sprintf("%s,西畈村委会,1,1,1", xifan)) {
		t.Errorf("CSV lacks 西畈's row:\n%s", csv.Body)
	}
	xlsx := c.get(strings.ReplaceAll(strings.ReplaceAll(link, "&amp;", "&"), "format=csv", "format=xlsx"))
	if xlsx.Status != http.StatusOK || !strings.HasPrefix(xlsx.Body, "PK") {
		t.Errorf("XLSX: %d %s", xlsx.Status, xlsx.Header.Get("Content-Type"))
	}
}
