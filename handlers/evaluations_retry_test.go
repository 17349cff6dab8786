package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// TestAdjustmentRetriesAddOnce: an adjustment sent with its own id and
// sent again (a lost response retried, a double click, eight retries at
// once) adds its points once; the same id with other content is 409; a
// retry after the lock still answers the stored adjustment.
func TestAdjustmentRetriesAddOnce(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		bureau := env.NewUser(models.RoleBureau, "330824").Token
		comm := env.NewUser(models.RoleCommissioner, "330824")
		const path = "/api/v1/evaluations/2024/adjustments?region=330824"
		evalMustStatus(t, env.Do("POST", "/api/v1/evaluations/2024/runs?region=330824", bureau, nil), http.StatusCreated, "run")

		first := models.NewID()
		body := map[string]any{"id": first, "commissioner_id": comm.Commissioner.ID, "points": 2.5, "reason": "补录培训"}
		res := env.Do("POST", path, bureau, body)
		evalMustStatus(t, res, http.StatusCreated, "first adjustment")
		if m := res.JSON(); m["id"] != first || m["score"] != 2.5 {
			t.Errorf("first adjustment: %s", res.Body)
		}
		res = env.Do("POST", path, bureau, body)
		evalMustStatus(t, res, http.StatusOK, "the same adjustment again")
		if m := res.JSON(); m["id"] != first || m["points"] != 2.5 || m["score"] != 2.5 {
			t.Errorf("replayed adjustment: %s", res.Body)
		}
		upper := map[string]any{"id": strings.ToUpper(first), "commissioner_id": comm.Commissioner.ID, "points": 2.5, "reason": "补录培训"}
		evalMustStatus(t, env.Do("POST", path, bureau, upper), http.StatusOK, "the same id in upper case")

		// Eight retries of a second adjustment at once: one stores it.
		second := models.NewID()
		statuses := race(8, func(int) int {
			return env.Do("POST", path, bureau, map[string]any{"id": second, "commissioner_id": comm.Commissioner.ID, "points": 1, "reason": "表彰"}).Status
		})
		created := createdAmong(t, statuses, http.StatusOK)
		if created != 1 {
			t.Errorf("concurrent retries: %d created, want 1 (%v)", created, statuses)
		}

		evalMustStatus(t, env.Do("POST", path, bureau, map[string]any{"id": second, "commissioner_id": comm.Commissioner.ID, "points": 2, "reason": "表彰"}),
			http.StatusConflict, "the same id with other points")
		res = env.Do("POST", path, bureau, map[string]any{"id": "adj-1", "commissioner_id": comm.Commissioner.ID, "points": 2, "reason": "表彰"})
		if got := detailFields(res); res.Status != 422 || len(got) != 1 || got[0] != "id" {
			t.Errorf("an id that is no UUID: %d %s", res.Status, res.Body)
		}

		// 2.5 + 1, each once.
		res = env.Do("GET", "/api/v1/me/scorecard?year=2024", comm.Token, nil)
		if m := res.JSON(); m["adjustment_points"] != 3.5 || m["score"] != 3.5 {
			t.Errorf("scorecard after the retries: %s", res.Body)
		}
		var stored, audited int64
		env.DB().Model(&models.EvaluationAdjustment{}).Count(&stored)
		env.DB().Model(&models.AuditEntry{}).Where("record_type = ?", "evaluation_adjustment").Count(&audited)
		if stored != 2 || audited != 2 {
			t.Errorf("%d adjustments stored and %d audited, want 2 and 2", stored, audited)
		}

		evalMustStatus(t, env.Do("POST", "/api/v1/evaluations/2024/lock?region=330824", bureau, nil), http.StatusOK, "lock")
		evalMustStatus(t, env.Do("POST", path, bureau, body), http.StatusOK, "a retry after the lock")
		evalMustStatus(t, env.Do("POST", path, bureau, map[string]any{"id": models.NewID(), "commissioner_id": comm.Commissioner.ID, "points": 1, "reason": "表彰"}),
			http.StatusConflict, "a new adjustment after the lock")
	})
}
