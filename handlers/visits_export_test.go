package handlers_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/xuri/excelize/v2"
)

// TestVisitListExports reads the visit list back as CSV and as a workbook:
// the same rows the list selects for the caller, filters applied, nothing
// outside its scope.
func TestVisitListExports(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		w := newWorld(t, env)
		post(t, env, "/visits", w.owner.Token, visitBody(villageA, 1))
		post(t, env, "/visits", w.owner.Token, visitBody(villageA2, 2))
		post(t, env, "/visits", w.other.Token, visitBody(villageB, 1))

		// The township of 桐村镇 sees its two visits, not 马金镇's.
		r := env.Do("GET", "/api/v1/visits?format=csv", w.township.Token, nil)
		mustStatus(t, r, http.StatusOK, "csv export")
		if !bytes.HasPrefix(r.Body, []byte("\xef\xbb\xbf")) || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: content type %q, starts %q", r.Header.Get("Content-Type"), r.Body[:3])
		}
		rows, err := csv.NewReader(bytes.NewReader(r.Body[3:])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1+2 || rows[1][4] != villageA || rows[2][4] != villageA2 {
			t.Fatalf("township csv rows: %q", rows)
		}

		// The bureau filters by 马金镇: one visit, as a workbook.
		r = env.Do("GET", "/api/v1/visits?format=xlsx&region="+townB, w.bureau.Token, nil)
		mustStatus(t, r, http.StatusOK, "xlsx export")
		x, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		sheet := x.GetSheetName(0)
		got, err := x.GetRows(sheet)
		if err != nil || len(got) != 1+1 || got[1][4] != villageB {
			t.Fatalf("bureau xlsx rows: %q %v", got, err)
		}

		mustStatus(t, env.Do("GET", "/api/v1/visits?format=pdf", w.bureau.Token, nil), http.StatusBadRequest, "unknown format")
	})
}

// TestRecordListExports reads another record list back as CSV: one column
// per JSON field, one row per record the caller's list holds.
func TestRecordListExports(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		w := newWorld(t, env)
		mine := post(t, env, "/trainings", w.owner.Token, trainingBody(villageA))
		post(t, env, "/trainings", w.other.Token, trainingBody(villageB))

		r := env.Do("GET", "/api/v1/trainings?format=csv", w.township.Token, nil)
		mustStatus(t, r, http.StatusOK, "training csv")
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1+1 {
			t.Fatalf("township sees %d training rows, want 1: %q", len(rows)-1, rows)
		}
		cell := map[string]string{}
		for i, h := range rows[0] {
			cell[h] = rows[1][i]
		}
		if cell["id"] != mine["id"] || cell["region_code"] != villageA || cell["attendees"] != "45" ||
			cell["women_attendees"] != "20" || cell["hours"] != "2.5" || cell["topics"] != "病虫害防治" {
			t.Fatalf("training row: %v", cell)
		}
	})
}
