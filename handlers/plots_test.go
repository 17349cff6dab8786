package handlers_test

import (
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// square is a closed GeoJSON ring around (118.41, 29.13).
func square() map[string]any {
	return map[string]any{"type": "Polygon", "coordinates": [][][]float64{{
		{118.40, 29.12}, {118.42, 29.12}, {118.42, 29.14}, {118.40, 29.14}, {118.40, 29.12}}}}
}

func plotBody(village string) map[string]any {
	return map[string]any{"id": newID(), "village_code": village, "name": "白茶示范基地", "crop": "茶叶",
		"variety": "白叶1号", "technology": "绿色防控", "area_mu": 120.5, "lat": 29.13, "lng": 118.41,
		"boundary": square(), "established_on": "2024-03-01"}
}

func harvestBody() map[string]any {
	return map[string]any{"id": newID(), "season": "2024春", "harvested_on": "2024-05-10",
		"yield_kg_per_mu": 52.5, "baseline_yield_kg_per_mu": 40, "price_fen_per_kg": 30000,
		"cost_fen_per_mu": 180000, "baseline_cost_fen_per_mu": 150000}
}

func testPlotWithObservationsAndHarvests(t *testing.T, env *testenv.Env) {
	w := newWorld(t, env)
	tok := w.owner.Token
	plot := post(t, env, "/plots", tok, plotBody(villageA))
	pid := plot["id"].(string)
	if b := plot["boundary"].(map[string]any); b["type"] != "Polygon" {
		t.Fatalf("boundary: %v", plot["boundary"])
	}
	obs := post(t, env, "/plots/"+pid+"/observations", tok, map[string]any{
		"id": newID(), "observed_at": "2024-04-02T10:00:00+08:00", "stage": "萌芽期", "notes": "长势良好"})
	if obs["plot_id"] != pid {
		t.Fatalf("observation: %v", obs)
	}
	h := post(t, env, "/plots/"+pid+"/harvests", tok, harvestBody())
	// (52.5 − 40) kg × 300 元/kg = 3,750 元 = 375,000 fen; cost up 300 元 = 30,000 fen.
	if h["income_increase_fen_per_mu"].(float64) != 375000-30000 {
		t.Fatalf("income increase: %v", h["income_increase_fen_per_mu"])
	}
	hid := h["id"].(string)
	r := env.Do("PATCH", "/api/v1/plots/"+pid+"/harvests/"+hid, tok, map[string]any{"price_fen_per_kg": 20001})
	mustStatus(t, r, http.StatusOK, "patch harvest")
	// round(12.5 × 20001) = round(250012.5) = 250013; minus 30,000.
	if got := r.JSON()["income_increase_fen_per_mu"].(float64); got != 250013-30000 {
		t.Fatalf("recomputed increase: %v", got)
	}
	r = env.Do("GET", "/api/v1/plots/"+pid+"/harvests", tok, nil)
	mustStatus(t, r, http.StatusOK, "list harvests")
	if items := r.JSON()["items"].([]any); len(items) != 1 {
		t.Fatalf("harvests: %s", r.Body)
	}
	r = env.Do("POST", "/api/v1/plots/"+pid+"/harvests", tok, harvestBody())
	mustStatus(t, r, http.StatusUnprocessableEntity, "second harvest of the season")
	mustStatus(t, env.Do("DELETE", "/api/v1/plots/"+pid, tok, nil), http.StatusNoContent, "delete plot")
	mustStatus(t, env.Do("GET", "/api/v1/plots/"+pid+"/harvests/"+hid, tok, nil), http.StatusNotFound, "harvest of deleted plot")
	var live int64
	env.DB().Table("harvests").Where("plot_id = ? AND deleted_at IS NULL", pid).Count(&live)
	if live != 0 {
		t.Fatalf("harvests left live after the plot's delete: %d", live)
	}
}

func testPlotChildrenValidationAndScope(t *testing.T, env *testenv.Env) {
	w := newWorld(t, env)
	tok := w.owner.Token
	open := func(ring [][]float64) map[string]any {
		return map[string]any{"type": "Polygon", "coordinates": [][][]float64{ring}}
	}
	expectInvalid(t, env, "/plots", tok, "plots", plotBody(villageA), []invalidCase{
		{"no name", map[string]any{"name": ""}, []string{"name"}},
		{"no crop", map[string]any{"crop": nil}, []string{"crop"}},
		{"zero area", map[string]any{"area_mu": 0}, []string{"area_mu"}},
		{"huge area", map[string]any{"area_mu": 100001}, []string{"area_mu"}},
		{"ring not closed", map[string]any{"boundary": open([][]float64{{118.40, 29.12}, {118.42, 29.12}, {118.42, 29.14}, {118.40, 29.14}})}, []string{"boundary"}},
		{"three positions", map[string]any{"boundary": open([][]float64{{118.40, 29.12}, {118.42, 29.12}, {118.40, 29.12}})}, []string{"boundary"}},
		{"point outside China", map[string]any{"boundary": open([][]float64{{18.40, 29.12}, {118.42, 29.12}, {118.42, 29.14}, {18.40, 29.12}})}, []string{"boundary"}},
		{"lat-lng swapped", map[string]any{"boundary": open([][]float64{{29.12, 118.40}, {29.12, 118.42}, {29.14, 118.42}, {29.12, 118.40}})}, []string{"boundary"}},
		{"not a polygon", map[string]any{"boundary": map[string]any{"type": "Point", "coordinates": []float64{118.4, 29.1}}}, []string{"boundary"}},
		{"boundary as text", map[string]any{"boundary": "POLYGON((...))"}, []string{"boundary"}},
		{"established in the future", map[string]any{"established_on": "2999-01-01"}, []string{"established_on"}},
		{"established badly", map[string]any{"established_on": "2024/03/01"}, []string{"established_on"}},
	})
	pid := post(t, env, "/plots", tok, plotBody(villageA))["id"].(string)
	base := "/plots/" + pid
	obs := map[string]any{"id": newID(), "observed_at": "2024-04-02T10:00:00+08:00", "stage": "萌芽期"}
	expectInvalid(t, env, base+"/observations", tok, "plot_observations", obs, []invalidCase{
		{"before the plot", map[string]any{"observed_at": "2024-02-02T10:00:00+08:00"}, []string{"observed_at"}},
		{"no stage", map[string]any{"stage": nil}, []string{"stage"}},
		{"other plot in body", map[string]any{"plot_id": newID()}, []string{"plot_id"}},
	})
	expectInvalid(t, env, base+"/harvests", tok, "harvests", harvestBody(), []invalidCase{
		{"no season", map[string]any{"season": nil}, []string{"season"}},
		{"no date", map[string]any{"harvested_on": nil}, []string{"harvested_on"}},
		{"before the plot", map[string]any{"harvested_on": "2024-01-10"}, []string{"harvested_on"}},
		{"future", map[string]any{"harvested_on": "2999-01-10"}, []string{"harvested_on"}},
		{"negative yield", map[string]any{"yield_kg_per_mu": -1}, []string{"yield_kg_per_mu"}},
		{"yield without price", map[string]any{"price_fen_per_kg": 0}, []string{"price_fen_per_kg"}},
		{"negative cost", map[string]any{"cost_fen_per_mu": -1}, []string{"cost_fen_per_mu"}},
		{"cost too high", map[string]any{"baseline_cost_fen_per_mu": 100000001}, []string{"baseline_cost_fen_per_mu"}},
	})
	oid := post(t, env, base+"/observations", tok, obs)["id"].(string)
	// Another plot's path, another commissioner, an office: each kept out.
	other := post(t, env, "/plots", tok, plotBody(villageA2))["id"].(string)
	mustStatus(t, env.Do("GET", "/api/v1/plots/"+other+"/observations/"+oid, tok, nil), http.StatusNotFound, "wrong parent")
	mustStatus(t, env.Do("POST", "/api/v1"+base+"/observations", w.other.Token, with(obs, nil)), http.StatusNotFound, "other commissioner")
	mustStatus(t, env.Do("POST", "/api/v1"+base+"/observations", w.bureau.Token, with(obs, nil)), http.StatusForbidden, "bureau")
	mustStatus(t, env.Do("GET", "/api/v1"+base+"/observations", w.townshipOut.Token, nil), http.StatusNotFound, "township elsewhere")
	r := env.Do("PATCH", "/api/v1"+base+"/observations/"+oid, tok, map[string]any{"plot_id": other})
	if r.Status != 422 || !containsStr(details(r), "plot_id") {
		t.Fatalf("moving an observation: %d %s", r.Status, r.Body)
	}
}
