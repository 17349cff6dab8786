package handlers_test

import (
	"slices"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// TestReferencePointCannotBePoisoned: visits with invented points by a
// commissioner not assigned to a village do not make its reference point,
// and an assigned commissioner recording many visits has one vote among
// the assigned commissioners, so the honest visits are not flagged and the
// invented ones are.
func TestReferencePointCannotBePoisoned(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		bureau := env.NewUser("bureau", "330824")
		honest := env.NewUser("commissioner", "330824")
		second := env.NewUser("commissioner", "330824")
		liar := env.NewUser("commissioner", "330824") // may record visits anywhere in 开化县
		env.Assign(honest.Commissioner, jianfeng, "2020-01-01")
		env.Assign(second.Commissioner, jianfeng, "2020-01-01")
		path := "/api/v1/regions/" + jianfeng + "/reference-point"
		pushAt := func(who *testenv.Person, n int, lat, lng float64) []pushed {
			var chs []map[string]any
			for i := range n {
				chs = append(chs, upsert("visit", located(jianfeng, lat+0.0001*float64(i), lng), 0))
			}
			return doPush(t, env, who.Token, pushBody(chs...))
		}

		// Five invented visits 33 km away make no reference point.
		pushAt(liar, 5, 29.60, 118.60)
		if got := env.Do("GET", path, bureau.Token, nil).JSON(); got["source"] != "none" {
			t.Fatalf("after the unassigned commissioner's visits: %v", got)
		}
		// The honest visit is not flagged.
		rs := pushAt(honest, 1, 29.30, 118.30)
		if got := flagsOf(t, env, honest.Token, rs[0].ID); len(got) != 0 {
			t.Fatalf("honest visit: flags %v", got)
		}
		// Once the assigned commissioners have five visits, theirs is the
		// reference point: (29.3002, 118.30) is the median of the
		// honest's medians 29.3001 (of 29.3000–29.3002) and the second's
		// 29.3003 (of 29.3000–29.3006, hence the middle, 29.3003).
		pushAt(honest, 2, 29.3001, 118.30)
		pushAt(second, 7, 29.30, 118.30)
		got := env.Do("GET", path, bureau.Token, nil).JSON()
		if got["source"] != "visits" || !near(got["lat"].(float64), 29.3002) || got["lng"] != 118.30 || got["visits"] != float64(10) {
			t.Fatalf("reference point: %v", got)
		}
		// The invented visits are flagged now, and more of them change
		// nothing.
		rs = pushAt(liar, 20, 29.60, 118.60)
		for _, r := range rs {
			if got := flagsOf(t, env, liar.Token, r.ID); !slices.Equal(got, []string{"far_from_village"}) {
				t.Fatalf("invented visit: flags %v", got)
			}
		}
		rs = pushAt(honest, 1, 29.31, 118.30)
		if got := flagsOf(t, env, honest.Token, rs[0].ID); len(got) != 0 {
			t.Fatalf("honest visit after the flood: flags %v", got)
		}
	})
}
