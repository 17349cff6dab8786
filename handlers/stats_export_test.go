package handlers_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// download fetches an export and checks its headers.
func (f *fixture) download(t *testing.T, token, path, contentType, file string) []byte {
	t.Helper()
	r := f.env.Do("GET", path, token, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != contentType {
		t.Errorf("%s: Content-Type %q", path, ct)
	}
	if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="`+file+`"` {
		t.Errorf("%s: Content-Disposition %q", path, cd)
	}
	return r.Body
}

func (f *fixture) csv(t *testing.T, token, path, file string) [][]string {
	t.Helper()
	body := f.download(t, token, path, "text/csv; charset=utf-8", file)
	if !bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("%s: no byte-order mark", path)
	}
	rows, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

func wantRow(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// checkCSV reads the fixture back through the CSV exports.
func (f *fixture) checkCSV(t *testing.T) {
	rows := f.csv(t, f.bureau, "/api/v1/stats/services?region=330824&year=2024&format=csv", "services-by-region-330824-2024.csv")
	if len(rows) != 1+14+1 {
		t.Fatalf("services rows: %d", len(rows))
	}
	wantRow(t, "header", rows[0], "分组", "名称", "走访次数", "下乡服务天数", "培训期数", "培训人次", "示范基地数", "示范面积（亩）",
		"推广新技术（项）", "引进新品种（个）", "发放技术资料（份）", "服务农民（人次）")
	wantRow(t, "华埠镇", rows[6], "330824115", "华埠镇", "5", "4", "1", "50", "1", "12.50", "2", "2", "20", "17")
	wantRow(t, "合计", rows[15], "330824", "开化县合计", "9", "6", "3", "105", "2", "20.50", "5", "3", "26", "35")

	rows = f.csv(t, f.bureau, "/api/v1/stats/coverage?region=330824&year=2024&format=csv", "coverage-330824-2024.csv")
	if len(rows) != 16 {
		t.Fatalf("coverage rows: %d", len(rows))
	}
	wantRow(t, "华埠镇", rows[6], "330824115", "华埠镇", "61", "2", "2", "3.28%", "3.28%")
	wantRow(t, "何田乡", rows[11], "330824208", "何田乡", "10", "3", "1", "30.00%", "10.00%")
	wantRow(t, "合计", rows[15], "330824", "开化县合计", "255", "5", "5", "1.96%", "1.96%")

	rows = f.csv(t, f.hetian, "/api/v1/stats/coverage/gaps?year=2024&kind=unassigned&format=csv", "unassigned-330824208-2024.csv")
	if len(rows) != 1+7 {
		t.Fatalf("gap rows: %d", len(rows))
	}
	wantRow(t, "gap", rows[1], "330824208203", "禾丰村委会", "330824208", "何田乡")
	rows = f.csv(t, f.bureau, "/api/v1/stats/coverage/gaps?region=330824&year=2024&kind=unvisited&format=csv", "unvisited-330824-2024.csv")
	if len(rows) != 1+250 {
		t.Fatalf("unvisited rows: %d", len(rows))
	}
	rows = f.csv(t, f.bureau, "/api/v1/stats/income?year=2024&format=csv", "income-330824-2024.csv")
	wantRow(t, "income", rows[1], "330824", "开化县", "2024", "4", "3", "9000.00", "2250.00", "17766.64")
	rows = f.csv(t, f.bureau, "/api/v1/stats/summary?year=2024&format=csv", "summary-330824-2024.csv")
	wantRow(t, "summary", findRow(rows, "实用技术培训"), "实用技术培训", "3", "期", "全年共举办实用技术培训3期，培训农民105人次。")
	wantRow(t, "summary", findRow(rows, "项目资金"), "项目资金", "417.56", "万元", "")
}

func findRow(rows [][]string, first string) []string {
	for _, r := range rows {
		if len(r) > 0 && r[0] == first {
			return r
		}
	}
	return nil
}

func (f *fixture) workbook(t *testing.T, path, file, sheet string) (*excelize.File, [][]string) {
	t.Helper()
	body := f.download(t, f.bureau, path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", file)
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	t.Cleanup(func() { x.Close() })
	rows, err := x.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("%s: sheet %s: %v", path, sheet, err)
	}
	return x, rows
}

// checkXLSX reads the fixture back through the Excel exports: values,
// number formats, column widths.
func (f *fixture) checkXLSX(t *testing.T) {
	x, rows := f.workbook(t, "/api/v1/stats/services?region=330824&year=2024&format=xlsx&group_by=month",
		"services-by-month-330824-2024.xlsx", "服务成效")
	if len(rows) != 1+12+1 {
		t.Fatalf("services rows: %d", len(rows))
	}
	wantRow(t, "header", rows[0][:3], "分组", "名称", "走访次数")
	wantRow(t, "March", rows[3], "2024-03", "2024年3月", "5", "3", "0", "0", "1", "12.5", "2", "2", "20", "18")
	wantRow(t, "合计", rows[13], "330824", "开化县合计", "9", "6", "3", "105", "2", "20.5", "5", "3", "26", "35")
	for cell, numFmt := range map[string]int{"C4": 3, "H4": 4, "A4": 0} {
		id, err := x.GetCellStyle("服务成效", cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := x.GetStyle(id)
		if err != nil || st.NumFmt != numFmt {
			t.Errorf("%s number format: %v %v", cell, st, err)
		}
	}
	if w, err := x.GetColWidth("服务成效", "B"); err != nil || w != 20 {
		t.Errorf("column B width: %v %v", w, err)
	}
	x, rows = f.workbook(t, "/api/v1/stats/coverage?region=330824&year=2024&format=xlsx", "coverage-330824-2024.xlsx", "村级覆盖")
	wantRow(t, "何田乡", rows[11], "330824208", "何田乡", "10", "3", "1", "0.3", "0.1")
	if id, _ := x.GetCellStyle("村级覆盖", "F12"); id == 0 {
		t.Error("rates have no percent format")
	} else if st, _ := x.GetStyle(id); st.NumFmt != 10 {
		t.Errorf("rate format %d", st.NumFmt)
	}
	_, rows = f.workbook(t, "/api/v1/stats/coverage/gaps?region=330824&year=2024&kind=unassigned&format=xlsx",
		"unassigned-330824-2024.xlsx", "未联系村")
	if len(rows) != 1+250 || rows[1][0] != "330824106200" {
		t.Errorf("unassigned rows: %d %v", len(rows), rows[1])
	}
	_, rows = f.workbook(t, "/api/v1/stats/summary?region=330824&year=2024&format=xlsx", "summary-330824-2024.xlsx", "工作总结")
	wantRow(t, "summary", findRow(rows, "下乡服务"), "下乡服务", "6", "天")
	if r := findRow(rows, "示范面积"); fmt.Sprint(r) != "[示范面积 20.5 亩]" {
		t.Errorf("area row: %q", r)
	}
}
