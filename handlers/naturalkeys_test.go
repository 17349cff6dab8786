package handlers_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// racers is how many requests race for one season's harvest or one year's
// income.
const racers = 8

// raceStatuses runs racers requests at once and returns their statuses,
// sorted, and for every 422 whether its details name field.
func raceStatuses(env *testenv.Env, field string, do func(i int) *testenv.Resp) ([]int, bool) {
	named := make([]bool, racers)
	st := race(racers, func(i int) int {
		r := do(i)
		named[i] = r.Status != http.StatusUnprocessableEntity || containsStr(details(r), field)
		return r.Status
	})
	for _, ok := range named {
		if !ok {
			return st, false
		}
	}
	return st, true
}

// oneCreated is racers statuses: one 201, the others 422.
func oneCreated() string {
	want := []int{http.StatusCreated}
	for range racers - 1 {
		want = append(want, http.StatusUnprocessableEntity)
	}
	return fmt.Sprint(want)
}

// Parallel creates of one season's harvest or one year's income store
// exactly one; the others answer the same 422 a later create answers, and
// the statistics and the evaluation count the one.
func TestNaturalKeysUnderConcurrency(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		w := newWorld(t, env)
		tok := w.owner.Token
		plot := with(plotBody(villageA), map[string]any{"area_mu": 10})
		pid := post(t, env, "/plots", tok, plot)["id"].(string)
		// (60 − 40) kg × 500 fen = 10,000 fen per mu; × 10 mu = 100,000 fen.
		harvest := func() map[string]any {
			return with(harvestBody(), map[string]any{"yield_kg_per_mu": 60, "baseline_yield_kg_per_mu": 40,
				"price_fen_per_kg": 500, "cost_fen_per_mu": 0, "baseline_cost_fen_per_mu": 0})
		}
		st, named := raceStatuses(env, "season", func(int) *testenv.Resp {
			return env.Do("POST", "/api/v1/plots/"+pid+"/harvests", tok, harvest())
		})
		if fmt.Sprint(st) != oneCreated() || !named {
			t.Fatalf("racing harvests of one season: %v (422s name season: %v)", st, named)
		}
		if n := liveRows(t, env, "harvests", "plot_id = ?", pid); n != 1 {
			t.Fatalf("live harvests of the season: %d", n)
		}

		hh := householdBody(villageA, "李四")
		hh["baseline_year"], hh["baseline_income_fen"] = 2023, 1000000
		hid := post(t, env, "/households", tok, hh)["id"].(string)
		st, named = raceStatuses(env, "year", func(int) *testenv.Resp {
			return env.Do("POST", "/api/v1/households/"+hid+"/incomes", tok,
				map[string]any{"id": newID(), "year": 2024, "income_fen": 1500000})
		})
		if fmt.Sprint(st) != oneCreated() || !named {
			t.Fatalf("racing incomes of one year: %v (422s name year: %v)", st, named)
		}
		if n := liveRows(t, env, "incomes", "household_id = ?", hid); n != 1 {
			t.Fatalf("live incomes of the year: %d", n)
		}
		// 1,500,000 − 1,000,000 = 500,000 fen for the household.
		checkIncomeFigures(t, env, w, 500000, 100000)

		// A deleted harvest does not hold its season.
		r := env.Do("GET", "/api/v1/plots/"+pid+"/harvests", tok, nil)
		first := r.JSON()["items"].([]any)[0].(map[string]any)["id"].(string)
		mustStatus(t, env.Do("DELETE", "/api/v1/plots/"+pid+"/harvests/"+first, tok, nil), http.StatusNoContent, "delete harvest")
		h := with(harvest(), map[string]any{"price_fen_per_kg": 1000}) // 20,000 per mu, 200,000 on 10 mu
		mustStatus(t, env.Do("POST", "/api/v1/plots/"+pid+"/harvests", tok, h), http.StatusCreated, "harvest after a delete")
		checkIncomeFigures(t, env, w, 500000, 200000)
	})
}

// Parallel changes of several harvests of one plot to the same season
// leave one harvest of that season: one 200, the others 422 on season.
func TestNaturalKeysUnderConcurrentPatches(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		w := newWorld(t, env)
		tok := w.owner.Token
		pid := post(t, env, "/plots", tok, plotBody(villageA))["id"].(string)
		ids := make([]string, racers)
		for i := range ids {
			h := with(harvestBody(), map[string]any{"season": fmt.Sprintf("季%d", i)})
			ids[i] = post(t, env, "/plots/"+pid+"/harvests", tok, h)["id"].(string)
		}
		st, named := raceStatuses(env, "season", func(i int) *testenv.Resp {
			return env.Do("PATCH", "/api/v1/plots/"+pid+"/harvests/"+ids[i], tok, map[string]any{"season": "同季"})
		})
		want := oneCreated()
		want = "[200" + want[len("[201"):]
		if fmt.Sprint(st) != want || !named {
			t.Fatalf("racing changes to one season: %v (422s name season: %v)", st, named)
		}
		if n := liveRows(t, env, "harvests", "plot_id = ? AND season = ?", pid, "同季"); n != 1 {
			t.Fatalf("live harvests of the season: %d", n)
		}
	})
}

// Parallel pushes of one season's harvest store exactly one: one result
// created, the others invalid on season.
func TestNaturalKeysUnderConcurrentPushes(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", county)
		plot := plotBody(villageA)
		pid := plot["id"].(string)
		doPush(t, env, me.Token, pushBody(upsert("plot", plot, 0)))
		statuses := make([]string, racers)
		race(racers, func(i int) int {
			h := harvestBody()
			h["plot_id"] = pid
			r := env.Do("POST", "/api/v1/sync/push", me.Token, pushBody(upsert("harvest", h, 0)))
			var out struct{ Results []pushed }
			if r.Status == http.StatusOK && json.Unmarshal(r.Body, &out) == nil && len(out.Results) == 1 {
				statuses[i] = out.Results[0].Status
				if statuses[i] == "invalid" && !hasID(syncDetailFields(out.Results[0].Error), "season") {
					statuses[i] = "invalid without season"
				}
			}
			return r.Status
		})
		created, invalid := 0, 0
		for _, s := range statuses {
			switch s {
			case "created":
				created++
			case "invalid":
				invalid++
			}
		}
		if created != 1 || invalid != racers-1 {
			t.Fatalf("racing pushes of one season: %v", statuses)
		}
		if n := liveRows(t, env, "harvests", "plot_id = ?", pid); n != 1 {
			t.Fatalf("live harvests of the season: %d", n)
		}
	})
}

// liveRows counts the live rows of table matching cond.
func liveRows(t *testing.T, env *testenv.Env, table, cond string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := env.DB().Table(table).Where(cond, args...).Where("deleted_at IS NULL").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// checkIncomeFigures checks the county's 2024 income statistics and the
// owner's evaluation indicator: household increase hhFen, plot increase
// plotFen, and their sum in the evaluation.
func checkIncomeFigures(t *testing.T, env *testenv.Env, w *world, hhFen, plotFen int64) {
	t.Helper()
	r := env.Do("GET", "/api/v1/stats/income?region="+county+"&year=2024", w.bureau.Token, nil)
	mustStatus(t, r, http.StatusOK, "income statistics")
	got := r.JSON()
	if got["income_increase_fen"] != float64(hhFen) || got["plot_income_increase_fen"] != float64(plotFen) {
		t.Fatalf("income statistics: %s, want %d and %d", r.Body, hhFen, plotFen)
	}
	mustStatus(t, env.Do("POST", "/api/v1/evaluations/2024/runs?region="+county, w.bureau.Token, nil), http.StatusCreated, "evaluation run")
	r = env.Do("GET", "/api/v1/evaluations/2024?region="+county+"&limit=500", w.bureau.Token, nil)
	mustStatus(t, r, http.StatusOK, "evaluation")
	var list evalList
	r.Decode(t, &list)
	for _, it := range list.Items {
		if it.CommissionerID == w.owner.Commissioner.ID {
			if v := it.Indicators["income_increase_fen"].Value; v != float64(hhFen+plotFen) {
				t.Fatalf("evaluation's income_increase_fen: %v, want %d", v, hhFen+plotFen)
			}
			return
		}
	}
	t.Fatalf("the owner is not in the evaluation: %s", r.Body)
}
