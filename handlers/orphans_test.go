package handlers_test

import (
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// TestNoChildOutlivesItsParent: observations created (by POST and by push)
// while their plot is deleted are either deleted with it or refused (422
// on plot_id); none stays live under a deleted plot, where phones would
// still pull it and attach photos to it.
func TestNoChildOutlivesItsParent(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		w := newWorld(t, env)
		tok := w.owner.Token
		for round := range 12 {
			pid := post(t, env, "/plots", tok, plotBody(villageA))["id"].(string)
			statuses := race(9, func(k int) int {
				switch {
				case k == 4:
					return env.Do("DELETE", "/api/v1/plots/"+pid, tok, nil).Status
				case round%2 == 0:
					return env.Do("POST", "/api/v1/plots/"+pid+"/observations", tok,
						map[string]any{"id": newID(), "observed_at": at(1, 10, 0), "stage": "萌芽期"}).Status
				default:
					change := map[string]any{"type": "plot_observation", "op": "upsert",
						"record": map[string]any{"id": newID(), "plot_id": pid, "observed_at": at(1, 10, 0), "stage": "萌芽期"}}
					return env.Do("POST", "/api/v1/sync/push", tok, map[string]any{"device_id": "d1", "changes": []any{change}}).Status
				}
			})
			for _, s := range statuses {
				if s >= http.StatusInternalServerError {
					t.Fatalf("round %d: %v", round, statuses)
				}
			}
		}
		var orphans int64
		env.DB().Raw(`SELECT COUNT(*) FROM plot_observations o JOIN plots p ON p.id = o.plot_id
			WHERE o.deleted_at IS NULL AND p.deleted_at IS NOT NULL`).Scan(&orphans)
		if orphans != 0 {
			t.Errorf("%d live observations of deleted plots", orphans)
		}
		var deleted int64
		env.DB().Raw("SELECT COUNT(*) FROM plots WHERE deleted_at IS NOT NULL").Scan(&deleted)
		if deleted != 12 {
			t.Errorf("%d plots deleted, want 12", deleted)
		}
	})
}
