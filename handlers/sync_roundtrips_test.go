package handlers_test

import (
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// A push of 100 new visits, and its replay, take a handful of statements,
// not hundreds.
func TestPushOfAHundredVisitsIsAHandfulOfStatements(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", "330824")
		var changes []map[string]any
		for i := range 100 {
			changes = append(changes, upsert("visit", visitBody([]string{huashan, jianfeng, xiazhuang, suzhuang}[i%4], 1+i%7), 0))
		}
		body := pushBody(changes...)
		var rs []pushed
		n, kinds := env.CountStatements(func() { rs = doPush(t, env, me.Token, body) })
		if got := strings.Join(statuses(rs)[:3], ","); got != "created,created,created" {
			t.Fatalf("push: %s", got)
		}
		// Auth 1; reads: visits, regions, home, assignments 4; reference
		// points 2; inserts: visits, audit, change log, receipt 4; the
		// statistics rollups of the whole batch, folded into one delta:
		// at most 12 (activity, day, item and visited-village upserts with
		// their read-backs), however many visits the push holds.
		if n > 24 || kinds["create"] == 0 {
			t.Fatalf("a 100-visit push ran %d statements: %v", n, kinds)
		}
		n, kinds = env.CountStatements(func() { rs = doPush(t, env, me.Token, body) })
		if rs[99].Status != "unchanged" || n > 7 || n == 0 {
			t.Fatalf("its replay ran %d statements (%v): %s", n, kinds, rs[99].Status)
		}
		t.Logf("%s: 100-visit push, then its replay: statements %v", env.Backend, kinds)
	})
}
