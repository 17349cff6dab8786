package handlers_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
)

// Creates posted at once, which the server writes in shared transactions,
// each store their record once, with one audit entry and one change-log
// row each, seqs without gaps, and statistics that count every one; ids
// posted twice at once (same content) store one record, answered 201 once
// and 200 for the other, as they are one after the other.
func TestConcurrentCreatesAreEachWrittenOnce(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		people := []*testenv.Person{
			env.NewUser("commissioner", county), env.NewUser("commissioner", county), env.NewUser("commissioner", county),
		}
		type post struct {
			tok  string
			body map[string]any
		}
		var posts []post
		// Distinct (commissioner, day) pairs in township A, for visit_days.
		pairs := map[string]bool{}
		distinct := 0
		for pi, p := range people {
			for i := range 8 {
				village, days := villageA, 1+i%2
				if i%3 == 0 {
					village = villageA2
				}
				posts = append(posts, post{p.Token, visitBody(village, days)})
				pairs[fmt.Sprint(pi, days)] = true
				distinct++
			}
		}
		// The first four visits again, at once with the first time.
		for _, p := range posts[:4] {
			posts = append(posts, p)
		}
		statuses := race(len(posts), func(i int) int {
			return env.Do("POST", "/api/v1/visits", posts[i].tok, posts[i].body).Status
		})
		created, replayed := 0, 0
		for _, s := range statuses {
			switch s {
			case http.StatusCreated:
				created++
			case http.StatusOK:
				replayed++
			default:
				t.Fatalf("statuses %v", statuses)
			}
		}
		if created != distinct || replayed != 4 {
			t.Fatalf("%d created, %d replayed (%v); want %d and 4", created, replayed, statuses, distinct)
		}
		var n int64
		if n = count(t, env, "visits"); n != int64(distinct) {
			t.Errorf("visits stored: %d, want %d", n, distinct)
		}
		q := func(sql string, args ...any) int64 { t.Helper(); return scalar(t, env, sql, args...) }
		if n = q("SELECT COUNT(*) FROM audit_entries WHERE record_type = 'visit' AND action = 'create'"); n != int64(distinct) {
			t.Errorf("audit entries of visit creates: %d, want %d", n, distinct)
		}
		if n = q("SELECT COUNT(DISTINCT record_id) FROM changes WHERE record_type = 'visit'"); n != int64(distinct) {
			t.Errorf("visits in the change log: %d, want %d", n, distinct)
		}
		if n = q("SELECT COUNT(*) FROM changes WHERE record_type = 'visit'"); n != int64(distinct) {
			t.Errorf("change-log rows of visits: %d, want %d", n, distinct)
		}
		// Seqs are handed out without gaps: as many as the span they cover.
		if span, rows := q("SELECT MAX(seq) - MIN(seq) + 1 FROM changes"), q("SELECT COUNT(*) FROM changes"); span != rows {
			t.Errorf("change log: %d rows over %d seqs", rows, span)
		}
		if n = q("SELECT COALESCE(SUM(visits), 0) FROM stat_days WHERE region_code = ?", townA); n != int64(distinct) {
			t.Errorf("township's visits in the statistics: %d, want %d", n, distinct)
		}
		if n = q("SELECT COALESCE(SUM(visit_days), 0) FROM stat_days WHERE region_code = ?", townA); n != int64(len(pairs)) {
			t.Errorf("township's visit days in the statistics: %d, want %d", n, len(pairs))
		}
		// 6 farmers and 20 leaflets a visit (visitBody).
		if n = q("SELECT COALESCE(SUM(farmers), 0) FROM stat_days WHERE region_code = ?", townA); n != int64(6*distinct) {
			t.Errorf("township's farmers in the statistics: %d, want %d", n, 6*distinct)
		}
	})
}

// Pushes sent at once, which the server writes in shared transactions,
// each answer and store exactly as they would alone: every visit once,
// with its audit entry, change-log row and statistics; each push's
// receipt once; a wrong clock's flag on that push's visits only; and
// where two pushes at once create one id with different content, or
// change one visit from the same version, the first stored is kept and
// the other answered conflict, whatever else shared their transaction.
func TestConcurrentPushesAreEachWrittenOnce(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		people := []*testenv.Person{
			env.NewUser("commissioner", county), env.NewUser("commissioner", county), env.NewUser("commissioner", county),
		}
		shared := visitBody(villageA, 1)
		r := env.Do("POST", "/api/v1/visits", people[0].Token, shared)
		mustStatus(t, r, http.StatusCreated, "visit changed by two pushes")
		type push struct {
			tok    string
			body   map[string]any
			skewed bool
		}
		var pushes []push
		// The visits of pushes with a wrong clock and a right one, with
		// their commissioners' tokens.
		plain, skewed := map[string]string{}, map[string]string{}
		slow := time.Now().Add(-2 * time.Hour).Format(time.RFC3339)
		for i := range 12 {
			var changes []map[string]any
			var ids []string
			for j := range 4 {
				v := visitBody([]string{villageA, villageA2}[j%2], 1+j%2)
				changes, ids = append(changes, upsert("visit", v, 0)), append(ids, v["id"].(string))
			}
			p := push{tok: people[i%3].Token, body: pushBody(changes...), skewed: i%4 == 0}
			into := plain
			if p.skewed {
				p.body["device_time"] = slow
				into = skewed
			}
			for _, id := range ids {
				into[id] = p.tok
			}
			pushes = append(pushes, p)
		}
		// One id created twice with different content, and one visit
		// changed twice from version 1.
		twin := visitBody(villageA, 1)
		twin["notes"] = "一次"
		other := maps.Clone(twin)
		other["notes"] = "另一次"
		for i, rec := range []map[string]any{twin, other} {
			pushes = append(pushes, push{tok: people[0].Token, body: pushBody(upsert("visit", rec, 0))})
			edit := map[string]any{"id": shared["id"], "notes": fmt.Sprint("改", i)}
			pushes = append(pushes, push{tok: people[0].Token, body: pushBody(upsert("visit", edit, 1))})
		}
		results := make([][]pushed, len(pushes))
		statuses := race(len(pushes), func(i int) int {
			r := env.Do("POST", "/api/v1/sync/push", pushes[i].tok, pushes[i].body)
			var out struct{ Results []pushed }
			if json.Unmarshal(r.Body, &out) == nil {
				results[i] = out.Results
			}
			return r.Status
		})
		for _, s := range statuses {
			if s != http.StatusOK {
				t.Fatalf("push statuses %v", statuses)
			}
		}
		tally := map[string]int{}
		for i, res := range results {
			for _, r := range res {
				tally[fmt.Sprintf("%v %v %s", r.ID == twin["id"], r.ID == shared["id"], r.Status)]++
				if i < 12 && r.Status != "created" {
					t.Errorf("push %d: %+v", i, r)
				}
			}
		}
		// The twins: one created, one conflict; the edits: one updated,
		// one conflict; the 48 others created.
		want := map[string]int{"false false created": 48, "true false created": 1, "true false conflict": 1,
			"false true updated": 1, "false true conflict": 1}
		if fmt.Sprint(tally) != fmt.Sprint(want) {
			t.Fatalf("results %v, want %v", tally, want)
		}
		q := func(sql string, args ...any) int64 { t.Helper(); return scalar(t, env, sql, args...) }
		// The 48, the twin kept and the visit posted first.
		const stored = 50
		if n := count(t, env, "visits"); n != stored {
			t.Errorf("visits stored: %d, want %d", n, stored)
		}
		if n := q("SELECT COUNT(*) FROM audit_entries WHERE record_type = 'visit' AND action = 'create'"); n != stored {
			t.Errorf("audit entries of visit creates: %d, want %d", n, stored)
		}
		if n := q("SELECT COUNT(*) FROM audit_entries WHERE record_type = 'visit' AND action = 'update'"); n != 1 {
			t.Errorf("audit entries of visit updates: %d, want 1", n)
		}
		if n := q("SELECT COUNT(*) FROM changes WHERE record_type = 'visit'"); n != stored+1 {
			t.Errorf("change-log rows of visits: %d, want %d (and the update)", n, stored+1)
		}
		if span, rows := q("SELECT MAX(seq) - MIN(seq) + 1 FROM changes"), q("SELECT COUNT(*) FROM changes"); span != rows {
			t.Errorf("change log: %d rows over %d seqs", rows, span)
		}
		if n := q("SELECT COUNT(*) FROM sync_pushes"); n != int64(len(pushes)) {
			t.Errorf("push receipts: %d, want %d", n, len(pushes))
		}
		if n := q("SELECT COALESCE(SUM(visits), 0) FROM stat_days WHERE region_code = ?", townA); n != stored {
			t.Errorf("township's visits in the statistics: %d, want %d", n, stored)
		}
		// 6 farmers and 20 leaflets a visit (visitBody).
		if n := q("SELECT COALESCE(SUM(leaflets), 0) FROM stat_days WHERE region_code = ?", townA); n != 20*stored {
			t.Errorf("township's leaflets in the statistics: %d, want %d", n, 20*stored)
		}
		for id, tok := range skewed {
			if got := flagsOf(t, env, tok, id); !slices.Equal(got, []string{"device_clock_skew"}) {
				t.Errorf("visit %s of a skewed push: flags %v", id, got)
			}
		}
		for id, tok := range plain {
			if got := flagsOf(t, env, tok, id); len(got) != 0 {
				t.Errorf("visit %s of a push with a right clock: flags %v", id, got)
			}
		}
		// How many pushes shared a transaction (one audit time for the
		// entries of several requests): not asserted, as it depends on
		// what the machine lets overlap.
		t.Logf("pushes written with others: %d of %d", q(`SELECT COUNT(DISTINCT request_id) FROM audit_entries WHERE at IN
			(SELECT at FROM audit_entries GROUP BY at HAVING COUNT(DISTINCT request_id) > 1)`), len(pushes)+1)
	})
}

// scalar returns the one integer the query sql answers.
func scalar(t *testing.T, env *testenv.Env, sql string, args ...any) int64 {
	t.Helper()
	var v int64
	if err := env.DB().Raw(sql, args...).Scan(&v).Error; err != nil {
		t.Fatal(err)
	}
	return v
}
