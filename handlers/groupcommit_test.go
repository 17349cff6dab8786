package handlers_test

import (
	"fmt"
	"net/http"
	"testing"

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
		q := func(sql string, args ...any) int64 {
			t.Helper()
			var v int64
			if err := env.DB().Raw(sql, args...).Scan(&v).Error; err != nil {
				t.Fatal(err)
			}
			return v
		}
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
