package handlers_test

import (
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// TestSeasonSpellingsAreOneSeason: one harvest per plot and season holds
// for the ways a phone's keyboard spells one season: full-width digits, an
// ASCII or ideographic space are the same season (422 on season), and the
// harvest is stored under its key.
func TestSeasonSpellingsAreOneSeason(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		w := newWorld(t, env)
		pid := post(t, env, "/plots", w.owner.Token, plotBody(villageA))["id"].(string)
		res := env.Do("POST", "/api/v1/plots/"+pid+"/harvests", w.owner.Token, with(harvestBody(), map[string]any{"season": "２０２４ 春"}))
		mustStatus(t, res, http.StatusCreated, "first harvest")
		if s := res.JSON()["season"]; s != "2024春" {
			t.Errorf("stored season %q, want 2024春", s)
		}
		for _, s := range []string{"2024春", "２０２４春", "2024 春", "2024\u3000春"} {
			res := env.Do("POST", "/api/v1/plots/"+pid+"/harvests", w.owner.Token, with(harvestBody(), map[string]any{"season": s}))
			if got := detailFields(res); res.Status != http.StatusUnprocessableEntity || len(got) != 1 || got[0] != "season" {
				t.Errorf("season %q again: %d %s", s, res.Status, res.Body)
			}
		}
		if n := count(t, env, "harvests"); n != 1 {
			t.Errorf("%d harvests stored for one plot and season", n)
		}
		mustStatus(t, env.Do("POST", "/api/v1/plots/"+pid+"/harvests", w.owner.Token, with(harvestBody(), map[string]any{"season": "2024秋"})),
			http.StatusCreated, "another season")
	})
}
