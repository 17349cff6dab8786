package security_test

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
)

// The world every scope check runs in: Kaihua County (330824) with the
// township 华埠镇 (330824115) on the "in" side, Longyou County (330825) on
// the "out" side, and one caller of each kind.
const (
	inCounty    = "330824"
	inTownship  = "330824115"    // 华埠镇
	inVillage   = "330824115200" // 华阳村
	inVillage2  = "330824115201" // 毛力坑村
	otherTown   = "330824116"    // 马金镇, Kaihua but not 华埠镇
	outCounty   = "330825"
	outTownship = "330825101"    // 湖镇镇
	outVillage  = "330825101200" // 新光村
	outVillage2 = "330825101204" // 新建村
)

// callerNames are the callers of the matrix, in the order grids name them:
// a national admin; the Kaihua bureau; the Longyou bureau; the 华埠镇
// township office; the 马金镇 township office; the commissioner who owns
// the in-side records; the commissioner who owns the out-side records; no
// token at all.
var callerNames = []string{"admin", "bureau", "bureauX", "town", "townX", "owner", "other", "anon"}

// side is one side of the matrix: its regions, its commissioner and what
// the fixtures made for it.
type side struct {
	county, township, village, village2 string
	owner                               *testenv.Person
	ids                                 map[string]string
}

// world is the fixture of the scope checks.
type world struct {
	t          testing.TB
	env        *testenv.Env
	callers    map[string]*testenv.Person
	sides      [2]*side
	years      int
	forged     map[string]string
	forgedTurn int
	victim     session // the login another caller's logout named
}

var worldSeq atomic.Int64

// next returns a number unique in the test binary, for phones, names and
// years of records made per call.
func next() int64 { return worldSeq.Add(1) }

// newBaseWorld imports Longyou beside Kaihua and makes the callers; on
// each side a commissioner assigned to a village there, a team, an
// evaluation run and one record of every field record type.
func newBaseWorld(t testing.TB, env *testenv.Env) *world {
	t.Helper()
	env.ImportRegions(outCounty)
	w := &world{t: t, env: env, callers: map[string]*testenv.Person{}}
	w.sides[0] = &side{county: inCounty, township: inTownship, village: inVillage, village2: inVillage2, ids: map[string]string{}}
	w.sides[1] = &side{county: outCounty, township: outTownship, village: outVillage, village2: outVillage2, ids: map[string]string{}}
	w.callers["admin"] = env.NewUser("admin", "")
	for i, s := range w.sides {
		s.owner = env.NewUser("commissioner", s.village)
		s.ids["commissioner"] = s.owner.Commissioner.ID
		s.ids["user"] = s.owner.User.ID
		s.ids["assignment"] = w.assign(i, s.village)
		s.ids["team"] = w.team(i)
	}
	w.callers["bureau"] = env.NewUser("bureau", inCounty)
	w.callers["bureauX"] = env.NewUser("bureau", outCounty)
	w.callers["town"] = env.NewUser("township", inTownship)
	w.callers["townX"] = env.NewUser("township", otherTown)
	w.callers["owner"] = w.sides[0].owner
	w.callers["other"] = w.sides[1].owner
	w.setupEvaluations()
	w.makeRecords()
	return w
}

// newWorld is the base world with, on each side, a photo of the side's
// visit (its thumbnail made) and a resumable upload in progress.
func newWorld(t testing.TB, env *testenv.Env) *world {
	t.Helper()
	w := newBaseWorld(t, env)
	for s := range 2 {
		w.sides[s].ids["photo"] = w.makePhoto(s)
		w.sides[s].ids["upload"] = w.startUpload(s, 100)
	}
	for s := range 2 {
		w.waitThumbnail(w.sides[s].ids["photo"])
	}
	return w
}

// token is the access token of caller who ("" for anon).
func (w *world) token(who string) string {
	if p := w.callers[who]; p != nil {
		return p.Token
	}
	return ""
}

// admin is the admin's token.
func (w *world) admin() string { return w.callers["admin"].Token }

// must sends a request as admin and fails the test unless it answers want;
// it returns the decoded body.
func (w *world) must(want int, method, path string, body any) map[string]any {
	w.t.Helper()
	r := w.env.Do(method, path, w.admin(), body)
	if r.Status != want {
		w.t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Body)
	}
	return r.JSON()
}

// assign assigns side i's commissioner to village through the API and
// returns the assignment's id.
func (w *world) assign(i int, village string) string {
	w.t.Helper()
	body := map[string]any{"commissioner_id": w.sides[i].owner.Commissioner.ID, "village_code": village, "start_date": "2024-01-01"}
	return w.must(http.StatusCreated, "POST", "/api/v1/assignments", body)["id"].(string)
}

// assignOneDay assigns side i's commissioner to a village for one day of
// the 2010s no other assignment of the run holds, so that an assignee may
// be given the same village again and again (a commissioner holds a
// village once at any time).
func (w *world) assignOneDay(i int, village string) string {
	w.t.Helper()
	day := oneDay()
	body := map[string]any{"commissioner_id": w.sides[i].owner.Commissioner.ID, "village_code": village, "start_date": day, "end_date": day}
	return w.must(http.StatusCreated, "POST", "/api/v1/assignments", body)["id"].(string)
}

// oneDay is a day of the 2010s that no earlier call returned.
func oneDay() string {
	return time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(next())).Format(time.DateOnly)
}

// team makes a team of side i's commissioner in its township.
func (w *world) team(i int) string {
	w.t.Helper()
	s := w.sides[i]
	body := map[string]any{"name": fmt.Sprintf("服务团%d", next()), "region_code": s.township, "chief_ids": []string{s.owner.Commissioner.ID}}
	return w.must(http.StatusCreated, "POST", "/api/v1/teams", body)["id"].(string)
}

// freshPhone is a mobile number no other user has.
func freshPhone() string { return fmt.Sprintf("137%08d", next()) }

// evalYear is the year whose evaluation the fixtures run and read.
const evalYear = 2024

// setupEvaluations runs the evaluation of each side's township so that
// reads have something to show.
func (w *world) setupEvaluations() {
	for _, r := range []string{inTownship, outTownship} {
		w.must(http.StatusCreated, "POST", fmt.Sprintf("/api/v1/evaluations/%d/runs?region=%s", evalYear, r), nil)
	}
}

// freshYear is an evaluation year no other call of this world has
// touched, for writes that would otherwise disturb each other (a lock is
// for ever).
func (w *world) freshYear() int {
	w.years++
	if w.years > 70 {
		w.t.Fatal("out of fresh evaluation years")
	}
	return 2030 + w.years
}
