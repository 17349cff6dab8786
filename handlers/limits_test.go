package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// limitHarvest is a harvest of season on harvested with a per-mu
// increase of (yield − baseline) × price fen and no cost.
func limitHarvest(season string, yield, baseline float64, price int64) map[string]any {
	return with(harvestBody(), map[string]any{"season": season, "yield_kg_per_mu": yield, "baseline_yield_kg_per_mu": baseline,
		"price_fen_per_kg": price, "cost_fen_per_mu": 0, "baseline_cost_fen_per_mu": 0})
}

// The figures the contract accepts cannot overflow: the harvest
// (100,000 mu, 10,000 kg/mu at 1e8 fen/kg) is refused with the limits in
// the message, and harvests at the limits add up in the statistics and
// the evaluation to the same hand-computed figure.
func TestIncomeFiguresAtTheLimits(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		w := newWorld(t, env)
		tok := w.owner.Token
		r := env.Do("POST", "/api/v1/plots", tok, with(plotBody(villageA), map[string]any{"area_mu": 100000}))
		mustStatus(t, r, http.StatusUnprocessableEntity, "a plot of 100,000 mu")
		if !containsStr(details(r), "area_mu") || !strings.Contains(string(r.Body), "10000") {
			t.Fatalf("area refusal: %s", r.Body)
		}
		big := post(t, env, "/plots", tok, with(plotBody(villageA), map[string]any{"area_mu": 10000}))["id"].(string)
		r = env.Do("POST", "/api/v1/plots/"+big+"/harvests", tok, limitHarvest("2024春", 10000, 0, 100000000))
		mustStatus(t, r, http.StatusUnprocessableEntity, "10,000 kg/mu at 1e8 fen/kg")
		if !containsStr(details(r), "income_increase_fen_per_mu") || !strings.Contains(string(r.Body), "10000000") {
			t.Fatalf("per-mu refusal: %s", r.Body)
		}
		// At the limit either way: 100 kg × 100,000 fen = 10,000,000 fen per mu,
		// on 10,000 mu = 100,000,000,000 fen; twice up, once down.
		for _, h := range []map[string]any{limitHarvest("2024春", 100, 0, 100000),
			limitHarvest("2024夏", 100, 0, 100000), limitHarvest("2024秋", 0, 100, 100000)} {
			mustStatus(t, env.Do("POST", "/api/v1/plots/"+big+"/harvests", tok, h), http.StatusCreated, "harvest at the limit")
		}
		// Three harvests of 1 fen per mu on 0.5 mu: 0.5 fen each, rounded
		// to 1 fen each, as a harvest's increase is rounded on its own; one
		// of −1 fen per mu: −0.5 fen, rounded away from zero to −1.
		small := post(t, env, "/plots", tok, with(plotBody(villageA), map[string]any{"area_mu": 0.5}))["id"].(string)
		for _, s := range []string{"2024春", "2024夏", "2024秋"} {
			mustStatus(t, env.Do("POST", "/api/v1/plots/"+small+"/harvests", tok, limitHarvest(s, 1, 0, 1)), http.StatusCreated, "small harvest")
		}
		mustStatus(t, env.Do("POST", "/api/v1/plots/"+small+"/harvests", tok, limitHarvest("2024冬", 0, 1, 1)), http.StatusCreated, "small loss")
		checkIncomeFigures(t, env, w, 0, 100000000000+3-1)
	})
}

// Areas keep what was sent: finer than a hundredth of a mu is refused,
// not stored as another area, and a plot at the smallest area can be
// changed.
func TestAreaPrecision(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		w := newWorld(t, env)
		tok := w.owner.Token
		for _, a := range []float64{0.001, 0.0049, 0.005, 1.234, 10000.01} {
			r := env.Do("POST", "/api/v1/plots", tok, with(plotBody(villageA), map[string]any{"area_mu": a}))
			mustStatus(t, r, http.StatusUnprocessableEntity, "an area the store would round")
			if !containsStr(details(r), "area_mu") {
				t.Fatalf("area %v: %s", a, r.Body)
			}
		}
		p := post(t, env, "/plots", tok, with(plotBody(villageA), map[string]any{"area_mu": 0.01}))
		if p["area_mu"] != 0.01 {
			t.Fatalf("stored area: %v", p["area_mu"])
		}
		r := env.Do("PATCH", "/api/v1/plots/"+p["id"].(string), tok, map[string]any{"name": "新名"})
		mustStatus(t, r, http.StatusOK, "patch of a plot of 0.01 mu")
		r = env.Do("GET", "/api/v1/plots/"+p["id"].(string), tok, nil)
		if got := r.JSON()["area_mu"]; got != 0.01 {
			t.Fatalf("area read back: %v", got)
		}
		var cmu int64
		env.DB().Raw("SELECT COALESCE(SUM(plot_area_cmu), 0) FROM stat_days WHERE region_code = ?", county).Scan(&cmu)
		if cmu != 1 {
			t.Fatalf("county's plot area in hundredths of a mu: %d, want 1", cmu)
		}
	})
}
