package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// A POST /visits of a commissioner's day that has visits already, from a
// login that has made a request before, takes: its caller 0 (kept from
// that request, see models/principals.go); the village's reference point
// 1; the insert, its audit entry 2; the rollups: the commissioner's
// latest-work rows (read, then share-locked on MySQL), the transaction's
// slot (MySQL), the activity rows, the visit-day keys (read, then
// share-locked on MySQL), the day rows and the item rows 5 or 8; the
// change log's head and row 2. 13 on MySQL, 10 on SQLite. Its replay
// answers the stored record (200) and writes nothing.
func TestPostOfAVisitStatements(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser(models.RoleCommissioner, "330824")
		post(t, env, "/visits", me.Token, visitBody(huashan, 2))
		body := visitBody(huashan, 2)
		var r *testenv.Resp
		stmts := env.Statements(func() { r = env.Do(http.MethodPost, recordsAPI+"/visits", me.Token, body) })
		mustStatus(t, r, http.StatusCreated, "POST /visits")
		want := 13
		if env.Backend == "sqlite" {
			want = 10
		}
		t.Logf("%s: a POST /visits ran %d statements", env.Backend, len(stmts))
		if len(stmts) > want {
			t.Errorf("%s: a POST /visits ran %d statements, want at most %d:\n%s", env.Backend, len(stmts), want, strings.Join(stmts, "\n"))
		}
		for _, s := range stmts {
			if strings.HasPrefix(s, "SELECT * FROM `visits` WHERE id =") {
				t.Errorf("a new visit's id was looked up before its insert: %s", s)
			}
		}
		var again *testenv.Resp
		stmts = env.Statements(func() { again = env.Do(http.MethodPost, recordsAPI+"/visits", me.Token, body) })
		mustStatus(t, again, http.StatusOK, "its replay")
		if got, want := again.JSON()["version"], r.JSON()["version"]; got != want {
			t.Errorf("replay answered version %v, want %v", got, want)
		}
		for _, s := range stmts {
			if strings.HasPrefix(s, "INSERT INTO `audit_entries`") || strings.HasPrefix(s, "INSERT INTO `changes`") {
				t.Errorf("the replay wrote: %s", s)
			}
		}
		var visits, days int64
		env.DB().Table("visits").Where("village_code = ?", huashan).Count(&visits)
		env.DB().Raw("SELECT COALESCE(SUM(visit_days), 0) FROM stat_days WHERE region_code = ?", huashan).Scan(&days)
		if visits != 2 || days != 1 {
			t.Errorf("stored %d visits over %d visit days of the village, want 2 over 1", visits, days)
		}
	})
}
