package handlers_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/phototest"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
	"github.com/xuri/excelize/v2"
)

// exportRows fetches a CSV export, checks its file name and returns its
// rows (the header first).
func exportRows(t *testing.T, env *testenv.Env, token, path, file string) [][]string {
	t.Helper()
	r := env.Do("GET", path, token, nil)
	mustStatus(t, r, http.StatusOK, path)
	if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="`+file+`"` {
		t.Errorf("%s: Content-Disposition %q, want %s", path, cd, file)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\xEF\xBB\xBF")))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

// The visits export names its township and village, writes coordinates
// with six decimals and counts as whole numbers, counts the visit's photos,
// gives each evidence flag a column, and is named by region and period.
func TestVisitExportColumns(t *testing.T) {
	photoBackends(t, func(t *testing.T, env *testenv.Env) {
		owner := env.NewUser(models.RoleCommissioner, county)
		township := env.NewUser(models.RoleTownship, townA)
		bureau := env.NewUser(models.RoleBureau, county)
		body := visitBody(villageA, 0)
		body["started_at"], body["ended_at"] = "2024-05-20T09:00:00+08:00", "2024-05-20T11:30:00+08:00"
		body["lat"], body["lng"] = 29.1234567, 118.4
		v := post(t, env, "/visits", owner.Token, body)
		id := v["id"].(string)
		for i := range 2 {
			r := upload(env, owner.Token, photoFields(models.NewID(), "visit", id), phototest.JPEG(40, 30, 20+i, nil))
			mustStatus(t, r, http.StatusCreated, "photo")
		}
		if err := env.DB().Exec("UPDATE visits SET flags = ? WHERE id = ?", `["far_from_village","device_clock_skew"]`, id).Error; err != nil {
			t.Fatal(err)
		}

		rows := exportRows(t, env, bureau.Token, "/api/v1/visits?format=csv&region=330824&year=2024", "visits-330824-2024.csv")
		wantRow(t, "header", rows[0][18:], "定位精度（米）", "照片（张）", "远离村庄", "照片时间不符", "照片重复使用", "设备时钟偏差", "核查标记", "备注")
		if len(rows) != 2 {
			t.Fatalf("rows: %q", rows)
		}
		r := rows[1]
		// 桐村镇 is 330824106, 华山村委会 330824106200; 29.1234567 rounds
		// to 29.123457; 118.4 gains its zeros; two photos; the two flags.
		wantRow(t, "visit", append(r[3:7:7], r[12:14]...), "桐村镇", villageA, "华山村委会", "2024-05-20 09:00:00", "6", "20")
		wantRow(t, "visit", r[16:25], "29.123457", "118.400000", "12.50", "2", "是", "", "", "是", "far_from_village、device_clock_skew")

		// The township's own export, with no filter, is named by its
		// township; a commissioner's, by nothing but what it is.
		exportRows(t, env, township.Token, "/api/v1/visits?format=csv", "visits-330824106.csv")
		exportRows(t, env, owner.Token, "/api/v1/visits?format=csv&from=2024-05-01", "visits-from20240501.csv")

		res := env.Do("GET", "/api/v1/visits?format=xlsx&region=330824106&from=2024-05-01&to=2024-05-31", bureau.Token, nil)
		mustStatus(t, res, http.StatusOK, "xlsx")
		if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="visits-330824106-20240501-20240531.xlsx"` {
			t.Errorf("xlsx Content-Disposition %q", cd)
		}
		x, err := excelize.OpenReader(bytes.NewReader(res.Body))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		// Q is the latitude (0.000000), T the photo count (#,##0).
		for cell, want := range map[string]string{"Q2": "29.123457", "R2": "118.400000", "T2": "2", "D2": "桐村镇", "U2": "是"} {
			if got, _ := x.GetCellValue("服务日志", cell); got != want {
				t.Errorf("xlsx %s: %q, want %q", cell, got, want)
			}
		}
		if raw, _ := x.GetCellValue("服务日志", "Q2", excelize.Options{RawCellValue: true}); raw != "29.1234567" {
			t.Errorf("xlsx latitude stored as %q", raw)
		}
		id2, _ := x.GetCellStyle("服务日志", "Q2")
		if st, err := x.GetStyle(id2); err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "0.000000" {
			t.Errorf("latitude format: %+v %v", st, err)
		}
	})
}

// A work report says nothing of a zero figure: a township where nothing
// happened has no sentence at all, and its export still lists every
// figure, counts as whole numbers and money with two decimals.
func TestSummaryOfNothing(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		admin := env.Admin()
		var b summaryBody
		r := env.Do("GET", "/api/v1/stats/summary?region="+townB+"&year=2024", admin, nil)
		mustStatus(t, r, http.StatusOK, "summary")
		r.Decode(t, &b)
		if len(b.Sentences) != 0 {
			t.Errorf("sentences of nothing: %q", b.Sentences)
		}
		rows := exportRows(t, env, admin, "/api/v1/stats/summary?region="+townB+"&year=2024&format=csv", "summary-330824116-2024.csv")
		wantRow(t, "commissioners", findRow(rows, "科技特派员"), "科技特派员", "0", "名", "")
		wantRow(t, "villages", findRow(rows, "行政村"), "行政村", "36", "个", "")
		wantRow(t, "funds", findRow(rows, "项目资金"), "项目资金", "0.00", "万元", "")
		wantRow(t, "rate", findRow(rows, "走访率"), "走访率", "0.00", "%", "")
	})
}
