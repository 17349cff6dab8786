package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/phototest"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// Kaihua County (330824) in 2025, as the console fixture records it:
//
//	中村乡 330824202 (9 rural villages): A assigned to 西畈 200, 树范 203
//	  and 新门 204 from 2025-01-01; A visited 西畈 twice and 树范 once in
//	  2025, 新门 once in 2024 (outside the year).
//	长虹乡 330824205 (10 rural villages): B assigned to 北源 203; B
//	  visited 北源 and 芳村 208 (not assigned) in 2025.
//
// So for 2025: the county has 255 rural villages (9+11+11+10+19+61+36+25
// +9+10+10+13+19+12 over its 14 townships, counted in the divisions
// data), 4 assigned and 4 visited; 中村乡 9/3/2; 长虹乡 10/1/2; 西畈 1/1/1;
// 新门 1/1/0.
const (
	county    = "330824"
	zhongcun  = "330824202"
	changhong = "330824205"
	xifan     = "330824202200"
	shufan    = "330824202203"
	xinmen    = "330824202204"
	beiyuan   = "330824205203"
	fangcun   = "330824205208"
)

// fixture is the console's test data and its users.
type fixture struct {
	env        *testenv.Env
	bureau     *testenv.Person // 330824
	township   *testenv.Person // 中村乡
	a, b       *testenv.Person // commissioners
	firstVisit *models.Visit   // A at 西畈, with a photo
	photoID    string
}

var cst = time.FixedZone("CST", 8*3600)

func newFixture(t testing.TB, env *testenv.Env) *fixture {
	t.Helper()
	f := &fixture{env: env}
	f.bureau = env.NewUser(models.RoleBureau, county)
	f.township = env.NewUser(models.RoleTownship, zhongcun)
	f.a = env.NewUser(models.RoleCommissioner, zhongcun)
	f.b = env.NewUser(models.RoleCommissioner, changhong)
	for _, v := range []string{xifan, shufan, xinmen} {
		env.Assign(f.a.Commissioner, v, "2025-01-01")
	}
	env.Assign(f.b.Commissioner, beiyuan, "2025-01-01")
	f.firstVisit = f.visit(f.a, xifan, time.Date(2025, 3, 5, 10, 0, 0, 0, cst))
	f.visit(f.a, xifan, time.Date(2025, 6, 10, 9, 0, 0, 0, cst))
	f.visit(f.a, shufan, time.Date(2025, 4, 1, 9, 0, 0, 0, cst))
	f.visit(f.a, xinmen, time.Date(2024, 11, 1, 9, 0, 0, 0, cst))
	f.visit(f.b, beiyuan, time.Date(2025, 5, 20, 14, 0, 0, 0, cst))
	f.visit(f.b, fangcun, time.Date(2025, 7, 1, 8, 30, 0, 0, cst))
	f.photoID = f.upload(f.a, f.firstVisit.ID)
	return f
}

// visit records a one-hour visit of p to village at start.
func (f *fixture) visit(p *testenv.Person, village string, start time.Time) *models.Visit {
	v := &models.Visit{Meta: models.Meta{ID: models.NewID(), CommissionerID: p.Commissioner.ID, Version: 1},
		VillageCode: village, StartedAt: start.UTC(), EndedAt: start.Add(time.Hour).UTC(),
		VisitDate: start.Format(time.DateOnly), Category: "栽培技术", Crops: []string{"茶叶"},
		Advice: "修剪茶树，增施有机肥", FarmersServed: 12, Leaflets: 20, ReceivedAt: models.Now()}
	f.env.Write(models.ActionCreate, nil, v)
	return v
}

// upload attaches a JPEG to a visit through the API, as the phone does.
func (f *fixture) upload(p *testenv.Person, visitID string) string {
	id := models.NewID()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, kv := range [][2]string{{"id", id}, {"owner_type", "visit"}, {"owner_id", visitID}} {
		_ = mw.WriteField(kv[0], kv[1])
	}
	w, _ := mw.CreateFormFile("file", "photo.jpg")
	_, _ = w.Write(phototest.JPEG(640, 480, 7, nil))
	_ = mw.Close()
	r := f.env.Do(http.MethodPost, "/api/v1/photos", p.Token, body.Bytes(), "Content-Type", mw.FormDataContentType())
	if r.Status != http.StatusCreated {
		f.env.T.Fatalf("upload photo: %d %s", r.Status, r.Body)
	}
	return id
}
