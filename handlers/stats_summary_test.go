package handlers_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

type summaryBody struct {
	Region    map[string]string `json:"region"`
	Year      int               `json:"year"`
	Figures   map[string]any    `json:"figures"`
	Sentences []string          `json:"sentences"`
}

func (f *fixture) checkSummary(t *testing.T) {
	var b summaryBody
	f.get(t, f.bureau, "/api/v1/stats/summary?region=330824&year=2024", &b)
	// Serving Kaihua in 2024: A (province level), B (city), C (county), E
	// (province, based at 33, assigned to 高升村); D's term ended in 2022.
	// Projects: 415,000,000 + 2,555,000 fen (the team's, open-ended) =
	// 417.555 万元 → 417.56. Demands resolved in 2024 (Asia/Shanghai): d1,
	// d4 at 12-31 23:30 (not d3 of 2023, not d5 at 2025-01-01 00:30).
	want := map[string]any{
		"commissioners": 4, "commissioners_province": 2, "commissioners_city": 1, "commissioners_county": 1,
		"teams": 1, "rural_villages": 255, "assigned_villages": 5, "visited_villages": 5,
		"assigned_rate": 0.0196, "visited_rate": 0.0196,
		"visits": 9, "visit_days": 6, "trainings": 3, "trainees": 105, "technologies": 5, "varieties": 3,
		"plots": 2, "plot_area_mu": 20.5, "leaflets": 26, "farmers_served": 35,
		"projects": 2, "project_funds_fen": 417555000, "project_funds_wan": "417.56",
		"households": 4, "households_increased": 3, "income_increase_fen": 900000, "avg_increase_fen": 225000,
		"income_increase_wan": "0.90", "plot_income_increase_fen": 1776664, "plot_income_increase_wan": "1.78",
		"demands_resolved": 2,
	}
	checkFigures(t, "county", b.Figures, want)
	sentences := []string{
		"2024年，开化县共有科技特派员4名，其中省级2名、市级1名、县级1名。",
		"组建科技特派员服务团队1个。",
		"科技特派员联系服务行政村5个，村级服务覆盖率1.96%。",
		"全年实地走访行政村5个，走访率1.96%。",
		"全年共开展现场指导服务9次，累计下乡服务6天，服务农民35人次，发放技术资料26份。",
		"全年共举办实用技术培训3期，培训农民105人次。",
		"推广新技术5项，引进新品种3个。",
		"建立科技示范基地2个，示范面积20.5亩。",
		"落实科技特派员项目2个，项目资金417.56万元。",
		"跟踪服务农户4户，其中3户实现增收，带动农户增收0.90万元，户均增收2250.00元。",
		"示范基地带动增收1.78万元。",
		"解决群众技术需求2项。",
	}
	if strings.Join(b.Sentences, "\n") != strings.Join(sentences, "\n") {
		t.Errorf("sentences:\n%s", strings.Join(b.Sentences, "\n"))
	}
	// 何田乡 for its office: C (based there), B through team T's 晴村, E at
	// 高升村; the team's project (2.555 万元); hh2 −200,000; h1 1,500,000.
	f.get(t, f.hetian, "/api/v1/stats/summary?year=2024", &b)
	checkFigures(t, "何田乡", b.Figures, map[string]any{
		"commissioners": 3, "commissioners_province": 1, "commissioners_city": 1, "commissioners_county": 1, "teams": 1,
		"rural_villages": 10, "assigned_villages": 3, "visited_villages": 1, "assigned_rate": 0.3, "visited_rate": 0.1,
		"visits": 2, "visit_days": 1, "projects": 1, "project_funds_wan": "2.56", "households": 1,
		"households_increased": 0, "income_increase_fen": -200000, "plot_income_increase_fen": 1500000, "demands_resolved": 1,
	})
	// A report says nothing of a zero figure: no "其中0户实现增收".
	if !slices.Contains(b.Sentences, "科技特派员联系服务行政村3个，村级服务覆盖率30%。") ||
		!slices.Contains(b.Sentences, "跟踪服务农户1户，带动农户增收-0.20万元，户均增收-2000.00元。") {
		t.Errorf("何田乡 sentences: %q", b.Sentences)
	}
	for _, s := range b.Sentences {
		if zeroFigure.MatchString(s) {
			t.Errorf("何田乡 sentence with a zero figure: %q", s)
		}
	}
}

func checkFigures(t *testing.T, what string, got, want map[string]any) {
	t.Helper()
	for k, w := range want {
		g, ok := got[k]
		switch wv := w.(type) {
		case int:
			ok = ok && g == float64(wv)
		default:
			ok = ok && g == w
		}
		if !ok {
			t.Errorf("%s %s: got %v, want %v", what, k, g, w)
		}
	}
}

// checkScope runs the refusals: role, scope, unknown regions, bad values.
func (f *fixture) checkScope(t *testing.T) {
	admin := f.env.Admin()
	cases := []struct {
		token, path string
		status      int
	}{
		{"", "/api/v1/stats/coverage?region=330824", http.StatusUnauthorized},
		{f.worker, "/api/v1/stats/coverage?region=330824115", http.StatusForbidden},
		{f.worker, "/api/v1/stats/summary", http.StatusForbidden},
		{f.hetian, "/api/v1/stats/coverage?region=330824", http.StatusForbidden},
		{f.hetian, "/api/v1/stats/services?region=330824115200", http.StatusForbidden},
		{f.bureau, "/api/v1/stats/coverage?region=330825", http.StatusForbidden},
		{f.bureau, "/api/v1/stats/coverage?region=330824999", http.StatusNotFound},
		{f.bureau, "/api/v1/stats/coverage?region=3308241", http.StatusBadRequest},
		{f.bureau, "/api/v1/stats/coverage?region=33O824", http.StatusBadRequest},
		{admin, "/api/v1/stats/coverage", http.StatusBadRequest},
		{f.bureau, "/api/v1/stats/coverage?from=2024-13-01&to=2024-12-31", http.StatusBadRequest},
		{f.bureau, "/api/v1/stats/coverage?year=1999", http.StatusBadRequest},
		{f.bureau, "/api/v1/stats/coverage?year=2024&from=2024-01-01", http.StatusBadRequest},
		{f.bureau, "/api/v1/stats/coverage?from=2024-05-01&to=2024-04-30", http.StatusBadRequest},
		{f.bureau, "/api/v1/stats/coverage?from=2024-05-01", http.StatusBadRequest},
		{f.bureau, "/api/v1/stats/services?group_by=day", http.StatusBadRequest},
		{f.bureau, "/api/v1/stats/coverage/gaps?year=2024", http.StatusBadRequest},
		{f.bureau, "/api/v1/stats/coverage/gaps?kind=unvisited&cursor=%25%25", http.StatusBadRequest},
		{f.bureau, "/api/v1/stats/coverage/gaps?kind=unvisited&limit=0", http.StatusBadRequest},
		{f.bureau, "/api/v1/stats/income?format=pdf", http.StatusBadRequest},
		{f.bureau, "/api/v1/stats/summary?from=2024-01-01&to=2024-12-31", http.StatusBadRequest},
		{admin, "/api/v1/stats/coverage?region=330824&from=2024-05-01&to=2024-05-01", http.StatusOK},
		{f.bureau, "/api/v1/stats/income", http.StatusOK},
	}
	for _, c := range cases {
		r := f.env.Do("GET", c.path, c.token, nil)
		if r.Status != c.status {
			t.Errorf("GET %s: %d, want %d: %s", c.path, r.Status, c.status, r.Body)
		} else if c.status != http.StatusOK && r.ErrorCode() == "" {
			t.Errorf("GET %s: no error code: %s", c.path, r.Body)
		}
	}
	var b coverageBody
	f.get(t, f.bureau, "/api/v1/stats/coverage", &b)
	if b.Region["code"] != "330824" || b.Totals.RuralVillages != 255 {
		t.Errorf("default region: %+v", b.Region)
	}
}

// zeroFigure finds a figure of zero in a report sentence ("其中0户",
// "培训农民0人次", "0.00万元").
var zeroFigure = regexp.MustCompile(`(^|[^0-9.\-])0(\.0+)?(名|个|次|天|人次|份|期|项|户|亩|万元|元|%)`)
