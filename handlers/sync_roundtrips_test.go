package handlers_test

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"gorm.io/gorm"
)

// countStatements counts the SQL statements the server runs while fn runs
// (transactions' BEGIN and COMMIT aside).
func countStatements(t *testing.T, env *testenv.Env, fn func()) (total int64, byKind map[string]int64) {
	t.Helper()
	var n atomic.Int64
	kinds := map[string]*atomic.Int64{}
	cb := env.DB().Callback()
	name := "test:count_statements"
	register := func(kind string, r interface {
		Register(string, func(*gorm.DB)) error
	}) {
		kinds[kind] = &atomic.Int64{}
		if err := r.Register(name, func(d *gorm.DB) {
			if !d.DryRun { // subqueries are built, not run
				n.Add(1)
				kinds[kind].Add(1)
			}
		}); err != nil {
			t.Fatal(err)
		}
	}
	register("query", cb.Query().After("gorm:query"))
	register("create", cb.Create().After("gorm:create"))
	register("update", cb.Update().After("gorm:update"))
	register("delete", cb.Delete().After("gorm:delete"))
	register("row", cb.Row().After("gorm:row"))
	register("raw", cb.Raw().After("gorm:raw"))
	defer func() {
		_ = cb.Query().Remove(name)
		_ = cb.Create().Remove(name)
		_ = cb.Update().Remove(name)
		_ = cb.Delete().Remove(name)
		_ = cb.Row().Remove(name)
		_ = cb.Raw().Remove(name)
	}()
	fn()
	byKind = map[string]int64{}
	for k, v := range kinds {
		byKind[k] = v.Load()
	}
	return n.Load(), byKind
}

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
		n, kinds := countStatements(t, env, func() { rs = doPush(t, env, me.Token, body) })
		if got := strings.Join(statuses(rs)[:3], ","); got != "created,created,created" {
			t.Fatalf("push: %s", got)
		}
		// Auth 1; reads: visits, regions, home, assignments 4; reference
		// points 2; inserts: visits, audit, change log, receipt 4; the
		// statistics rollups of the whole batch, folded into one delta:
		// at most 12 (activity, day, item and visited-village upserts with
		// their read-backs), however many visits the push holds.
		if n > 24 {
			t.Fatalf("a 100-visit push ran %d statements: %v", n, kinds)
		}
		n, kinds = countStatements(t, env, func() { rs = doPush(t, env, me.Token, body) })
		if rs[99].Status != "unchanged" || n > 7 {
			t.Fatalf("its replay ran %d statements (%v): %s", n, kinds, rs[99].Status)
		}
		t.Logf("%s: 100-visit push, then its replay: statements %v", env.Backend, kinds)
	})
}
