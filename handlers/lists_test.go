package handlers_test

import (
	"fmt"
	"net/http"
	"sort"
	"sync"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

func TestVisitListsFiltersAndPages(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		w := newWorld(t, env)
		// Five visits of the owner: three in township A, two in township B;
		// one of the other commissioner in township A.
		var mine []string
		for i, v := range []string{villageA, villageA2, villageA, villageB, villageB} {
			mine = append(mine, post(t, env, "/visits", w.owner.Token, visitBody(v, i+1))["id"].(string))
		}
		theirs := post(t, env, "/visits", w.other.Token, visitBody(villageA, 1))["id"].(string)
		// Late evening of the last day of a period counts in that day.
		late := visitBody(villageA, 0)
		late["started_at"], late["ended_at"] = "2024-12-31T23:30:00+08:00", "2024-12-31T23:50:00+08:00"
		lateID := post(t, env, "/visits", w.owner.Token, late)["id"].(string)

		list := func(token, query string) []string {
			t.Helper()
			r := env.Do("GET", "/api/v1/visits"+query, token, nil)
			mustStatus(t, r, http.StatusOK, "list "+query)
			return ids(t, r)
		}
		sameSet(t, "owner", list(w.owner.Token, ""), append(mine, lateID))
		sameSet(t, "owner in township B", list(w.owner.Token, "?region="+townB), mine[3:5])
		sameSet(t, "township A user", list(w.township.Token, ""), []string{mine[0], mine[1], mine[2], theirs, lateID})
		sameSet(t, "bureau by commissioner", list(w.bureau.Token, "?commissioner_id="+w.other.Commissioner.ID), []string{theirs})
		sameSet(t, "bureau filter outside its county", list(w.bureau.Token, "?region="+otherCnty), nil)
		sameSet(t, "period ending 2024-12-31", list(w.bureau.Token, "?from=2024-12-31&to=2024-12-31"), []string{lateID})
		sameSet(t, "year 2025", list(w.bureau.Token, "?year=2025"), nil)
		sameSet(t, "period after it", list(w.bureau.Token, "?from=2025-01-01"), append(mine, theirs))
		// Newest first, by start time.
		if got := list(w.owner.Token, "?limit=2"); got[0] != mine[0] || got[1] != mine[1] {
			t.Fatalf("order: %v, want %v first", got, mine[:2])
		}
		for _, q := range []string{"?region=33x", "?region=3308241", "?limit=0", "?limit=501", "?from=2024-13-01", "?from=2024-02-01&to=2024-01-01", "?year=2024&from=2024-01-01", "?cursor=bm90LWEtY3Vyc29y"} {
			mustStatus(t, env.Do("GET", "/api/v1/visits"+q, w.bureau.Token, nil), http.StatusBadRequest, q)
		}
		mustStatus(t, env.Do("GET", "/api/v1/demands?status=done", w.bureau.Token, nil), http.StatusBadRequest, "bad status")
	})
}

// TestVisitPagesSeeEveryRecordOnce pages through a list while records are
// added, and sees each record that existed at the start exactly once.
func testVisitPagesSeeEveryRecordOnce(t *testing.T, env *testenv.Env) {
	w := newWorld(t, env)
	want := map[string]bool{}
	for i := 0; i < 7; i++ {
		b := visitBody(villageA, 3)
		b["started_at"] = at(3, 9, i%3) // equal start times across pages
		want[post(t, env, "/visits", w.owner.Token, b)["id"].(string)] = true
	}
	seen := map[string]int{}
	cursor := ""
	for page := 0; page < 10; page++ {
		r := env.Do("GET", "/api/v1/visits?limit=3&commissioner_id="+w.owner.Commissioner.ID+"&cursor="+cursor, w.bureau.Token, nil)
		mustStatus(t, r, http.StatusOK, "page")
		for _, id := range ids(t, r) {
			seen[id]++
		}
		post(t, env, "/visits", w.owner.Token, visitBody(villageA, 1)) // newer, lands before the cursor
		cursor, _ = r.JSON()["next_cursor"].(string)
		if cursor == "" {
			break
		}
	}
	for id := range want {
		if seen[id] != 1 {
			t.Fatalf("visit %s seen %d times", id, seen[id])
		}
	}
}

func testConcurrentCreatesAndPatchesOfOneRecord(t *testing.T, env *testenv.Env) {
	w := newWorld(t, env)
	body := visitBody(villageA, 1)
	statuses := race(8, func(int) int { return env.Do("POST", "/api/v1/visits", w.owner.Token, body).Status })
	if fmt.Sprint(statuses) != fmt.Sprint([]int{200, 200, 200, 200, 200, 200, 200, 201}) {
		t.Fatalf("racing creates: %v", statuses)
	}
	id := body["id"].(string)
	var n int64
	env.DB().Table("visits").Where("id = ?", id).Count(&n)
	if n != 1 {
		t.Fatalf("visits stored: %d", n)
	}
	statuses = race(4, func(i int) int {
		return env.Do("PATCH", "/api/v1/visits/"+id, w.owner.Token, map[string]any{"leaflets": 100 + i}, "If-Match", `"1"`).Status
	})
	if fmt.Sprint(statuses) != fmt.Sprint([]int{200, 412, 412, 412}) {
		t.Fatalf("racing patches on version 1: %v", statuses)
	}
	var audits int64
	env.DB().Table("audit_entries").Where("record_id = ?", id).Count(&audits)
	if audits != 2 {
		t.Fatalf("audit entries: %d, want create + one update", audits)
	}
}

// race runs fn n times at once and returns the statuses, sorted.
func race(n int, fn func(i int) int) []int {
	out := make([]int, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = fn(i)
		}()
	}
	wg.Wait()
	sort.Ints(out)
	return out
}

// sameSet fails unless got and want hold the same ids.
func sameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	g, w := append([]string(nil), got...), append([]string(nil), want...)
	sort.Strings(g)
	sort.Strings(w)
	if fmt.Sprint(g) != fmt.Sprint(w) {
		t.Fatalf("%s: got %v, want %v", what, g, w)
	}
}
