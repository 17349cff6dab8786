package handlers_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// TestStatsKaihua checks every statistic of the Kaihua fixture number by
// number, on each backend.
func TestStatsKaihua(t *testing.T) {
	checkContract(t)
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		f := newFixture(t, env)
		t.Run("coverage", f.checkCoverage)
		t.Run("gaps", f.checkGaps)
		t.Run("services", f.checkServices)
		t.Run("services_by_month", f.checkServicesByMonth)
		t.Run("services_by_commissioner", f.checkServicesByCommissioner)
		t.Run("income", f.checkIncome)
		t.Run("summary", f.checkSummary)
		t.Run("scope", f.checkScope)
		t.Run("csv", f.checkCSV)
		t.Run("xlsx", f.checkXLSX)
		t.Run("visit_export", f.checkVisitExport)
	})
}

func (f *fixture) get(t *testing.T, token, path string, out any) {
	t.Helper()
	r := f.env.Do("GET", path, token, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
	}
	r.Decode(t, out)
}

type coverageBody struct {
	Region   map[string]string      `json:"region"`
	From     string                 `json:"from"`
	To       string                 `json:"to"`
	Totals   models.CoverageFigures `json:"totals"`
	Children []models.CoverageRow   `json:"children"`
}

// cov is one expected coverage line: rural, assigned, visited, rates.
type cov struct {
	rural, assigned, visited int64
	ar, vr                   float64
}

func (c cov) check(t *testing.T, what string, got models.CoverageFigures) {
	t.Helper()
	want := models.CoverageFigures{RuralVillages: c.rural, AssignedVillages: c.assigned, VisitedVillages: c.visited,
		AssignedRate: c.ar, VisitedRate: c.vr}
	if got != want {
		t.Errorf("%s: got %+v, want %+v", what, got, want)
	}
}

// ruralByTownship is each Kaihua township's count of villagers'
// committees (codes ending 200–399), from villages.csv: 255 in all; 华埠镇
// also has 12 urban 社区 and 马金镇 and 池淮镇 one each.
var ruralByTownship = []struct {
	code  string
	rural int64
}{
	{"330824106", 9}, {"330824107", 11}, {"330824108", 11}, {"330824109", 10}, {"330824113", 19},
	{"330824115", 61}, {"330824116", 36}, {"330824117", 25}, {"330824202", 9}, {"330824205", 10},
	{"330824208", 10}, {"330824216", 13}, {"330824217", 19}, {"330824218", 12},
}

func (f *fixture) checkCoverage(t *testing.T) {
	var b coverageBody
	f.get(t, f.bureau, "/api/v1/stats/coverage?region=330824&year=2024", &b)
	if b.Region["name"] != "开化县" || b.Region["level"] != "county" || b.From != "2024-01-01" || b.To != "2024-12-31" {
		t.Errorf("header: %+v %s %s", b.Region, b.From, b.To)
	}
	// Assigned in 2024: 115200, 115201 (ends 06-30), 208202 (team), 208205
	// (12-31 only), 208208 (E) = 5 of 255 → 0.0196. Visited: 115200,
	// 115201, 116200, 116202 (v5 moved there), 208202 = 5 → 0.0196.
	cov{255, 5, 5, 0.0196, 0.0196}.check(t, "totals", b.Totals)
	want := map[string]cov{
		"330824115": {61, 2, 2, 0.0328, 0.0328}, // 2/61
		"330824116": {36, 0, 2, 0, 0.0556},      // 2/36
		"330824208": {10, 3, 1, 0.3, 0.1},
	}
	if len(b.Children) != 14 {
		t.Fatalf("children: %d", len(b.Children))
	}
	for i, ch := range b.Children {
		w, ok := want[ch.Code]
		if !ok {
			w = cov{rural: ruralByTownship[i].rural}
		}
		if ch.Code != ruralByTownship[i].code {
			t.Errorf("child %d: %s", i, ch.Code)
		}
		w.check(t, ch.Code+" "+ch.Name, ch.CoverageFigures)
	}
	// Second half of 2024: 115201's assignment has ended; only 208202 is
	// visited (v6 at 23:30 and v11 on 12-31).
	f.get(t, f.bureau, "/api/v1/stats/coverage?region=330824&from=2024-07-01&to=2024-12-31", &b)
	cov{255, 4, 1, 0.0157, 0.0039}.check(t, "H2 totals", b.Totals)
	// January 2025: v7 at 00:10 on 01-01 (still 2024 in UTC) visits 208203;
	// 瑶坑村 116200's assignment starts.
	f.get(t, f.bureau, "/api/v1/stats/coverage?region=330824&from=2025-01-01&to=2025-01-31", &b)
	cov{255, 4, 1, 0.0157, 0.0039}.check(t, "2025-01 totals", b.Totals)
	// 华埠镇 by village: its 12 urban 社区 are listed, with no rural village.
	f.get(t, f.bureau, "/api/v1/stats/coverage?region=330824115&year=2024", &b)
	cov{61, 2, 2, 0.0328, 0.0328}.check(t, "华埠镇", b.Totals)
	if len(b.Children) != 73 || b.Children[0].Code != "330824115001" {
		t.Fatalf("华埠镇 children: %d", len(b.Children))
	}
	cov{}.check(t, "枫树底社区 (urban, assigned and visited)", b.Children[0].CoverageFigures)
	cov{1, 1, 1, 1, 1}.check(t, "华阳村", b.Children[12].CoverageFigures)
	// A village on its own.
	f.get(t, f.bureau, "/api/v1/stats/coverage?region=330824208205&year=2024", &b)
	cov{1, 1, 0, 1, 0}.check(t, "丘畈村", b.Totals)
}

type gapsBody struct {
	Items      []models.GapVillage `json:"items"`
	NextCursor string              `json:"next_cursor"`
}

// gapCodes pages through a gap list and returns every code.
func (f *fixture) gapCodes(t *testing.T, token, query string, limit int) []string {
	var codes []string
	cursor := ""
	for page := 0; page < 20; page++ {
		var b gapsBody
		f.get(t, token, fmt.Sprintf("/api/v1/stats/coverage/gaps?%s&limit=%d&cursor=%s", query, limit, cursor), &b)
		for _, g := range b.Items {
			codes = append(codes, g.Code)
		}
		if b.NextCursor == "" {
			return codes
		}
		cursor = b.NextCursor
	}
	t.Fatal("gaps: too many pages")
	return nil
}

func (f *fixture) checkGaps(t *testing.T) {
	// 255 rural villages less the 5 assigned / the 5 visited.
	un := f.gapCodes(t, f.bureau, "region=330824&year=2024&kind=unassigned", 100)
	if len(un) != 250 || un[0] != "330824106200" {
		t.Fatalf("unassigned: %d, first %v", len(un), un[:1])
	}
	for _, c := range un {
		switch c {
		case "330824115200", "330824115201", "330824208202", "330824208205", "330824208208", "330824115001":
			t.Errorf("%s listed as unassigned", c)
		}
	}
	if n := len(f.gapCodes(t, f.bureau, "region=330824&year=2024&kind=unvisited", 500)); n != 250 {
		t.Errorf("unvisited: %d", n)
	}
	// 何田乡, for its township office (region defaults to its scope).
	got := fmt.Sprint(f.gapCodes(t, f.hetian, "year=2024&kind=unassigned", 3))
	want := "[330824208203 330824208204 330824208214 330824208215 330824208216 330824208217 330824208218]"
	if got != want {
		t.Errorf("何田乡 unassigned: %s", got)
	}
	got = fmt.Sprint(f.gapCodes(t, f.hetian, "year=2024&kind=unvisited", 50))
	want = "[330824208203 330824208204 330824208205 330824208208 330824208214 330824208215 330824208216 330824208217 330824208218]"
	if got != want {
		t.Errorf("何田乡 unvisited: %s", got)
	}
	var b gapsBody
	f.get(t, f.hetian, "/api/v1/stats/coverage/gaps?year=2024&kind=unvisited&limit=1", &b)
	g := b.Items[0]
	if g.Name != "禾丰村委会" || g.ParentCode != "330824208" || g.ParentName != "何田乡" || !g.Rural || g.Level != "village" {
		t.Errorf("gap item: %+v", g)
	}
}
