package handlers_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/handlers"
	"github.com/tepai/tepai/models"
	"github.com/xuri/excelize/v2"
)

// exportVisits runs the visit export on the fixture's visits (newest
// first).
func (f *fixture) exportVisits(t *testing.T, format string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/", nil), rec)
	db := f.env.DB()
	q := models.InRegion(db.Model(&models.Visit{}), "village_code", "330824")
	if err := handlers.ExportVisits(c, db, format, "visits-330824", q); err != nil {
		t.Fatal(err)
	}
	return rec
}

// checkVisitExport reads the fixture's visits back through the export:
// 11 live ones (v8 and v13 were deleted), newest first: v7 at 2025-01-01
// 00:10 at 禾丰村 of 何田乡, and last v10 at 2023-12-31 23:50 in
// Asia/Shanghai, by B at 华阳村 of 华埠镇.
func (f *fixture) checkVisitExport(t *testing.T) {
	rec := f.exportVisits(t, handlers.FormatCSV)
	if rec.Header().Get("Content-Disposition") != `attachment; filename="visits-330824.csv"` {
		t.Errorf("disposition: %q", rec.Header().Get("Content-Disposition"))
	}
	rows, err := csv.NewReader(bytes.NewReader(rec.Body.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+11 {
		t.Fatalf("rows: %d", len(rows))
	}
	first := rows[1] // v7
	if first[6] != "2025-01-01 00:10:00" || first[14] != "水稻机插" || first[15] != "甬优1540" || first[5] != "禾丰村委会" || first[3] != "何田乡" {
		t.Errorf("first visit: %q", first)
	}
	r := rows[11] // v10
	if r[1] != f.b.Name || r[2] != f.b.ID || r[3] != "华埠镇" || r[4] != "330824115200" || r[5] != "华阳村委会" || r[6] != "2023-12-31 23:50:00" || r[12] != "2" {
		t.Errorf("last visit: %q", r)
	}
	rec = f.exportVisits(t, handlers.FormatXLSX)
	x, err := excelize.OpenReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if v, _ := x.GetCellValue("服务日志", "G12"); v != "2023-12-31 23:50:00" {
		t.Errorf("xlsx start time: %q", v)
	}
	if v, _ := x.GetCellValue("服务日志", "F2"); v != "禾丰村委会" {
		t.Errorf("xlsx village: %q", v)
	}
}
