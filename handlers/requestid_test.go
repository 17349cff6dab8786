package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// TestForeignRequestIDs: a client's X-Request-Id of letters, digits and
// ._:- up to 64 characters is kept (answered and audited); a longer one or
// one with other characters is replaced by a new id, and the write it came
// with succeeds (a 100-character id used to fail every audited write on
// MySQL, whose column holds 64).
func TestForeignRequestIDs(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		w := newWorld(t, env)
		for _, tc := range []struct {
			name, id string
			kept     bool
		}{
			{"well formed", "app-2.4.1:req_0042", true},
			{"64 characters", strings.Repeat("r", 64), true},
			{"100 characters", strings.Repeat("r", 100), false},
			{"bidirectional", "\u202eevil", false},
			{"space", "a b", false},
		} {
			res := env.Do("POST", "/api/v1/visits", w.owner.Token, visitBody(villageA, 1), "X-Request-Id", tc.id)
			if res.Status != http.StatusCreated {
				t.Errorf("%s: visit %d %s", tc.name, res.Status, res.Body)
				continue
			}
			got := res.Header.Get("X-Request-Id")
			if (got == tc.id) != tc.kept || got == "" || len(got) > 64 {
				t.Errorf("%s: answered request id %q, kept %v", tc.name, got, tc.kept)
			}
			var audited []string
			env.DB().Model(&models.AuditEntry{}).Where("record_id = ?", res.JSON()["id"]).Pluck("request_id", &audited)
			if len(audited) != 1 || audited[0] != got {
				t.Errorf("%s: audited request ids %q, want [%q]", tc.name, audited, got)
			}
			push := env.Do("POST", "/api/v1/sync/push", w.owner.Token, map[string]any{"device_id": "d1", "changes": []any{}}, "X-Request-Id", tc.id)
			if push.Status != http.StatusOK {
				t.Errorf("%s: push %d %s", tc.name, push.Status, push.Body)
			}
		}
	})
}

// TestInvisibleCharactersInReasonAndDevice: an adjustment's reason and a
// push's device_id refuse control and bidirectional override characters,
// as names and notes do, and store nothing.
func TestInvisibleCharactersInReasonAndDevice(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		w := newWorld(t, env)
		mustStatus(t, env.Do("POST", "/api/v1/evaluations/2024/runs?region="+county, w.bureau.Token, nil), http.StatusCreated, "run")
		res := env.Do("POST", "/api/v1/evaluations/2024/adjustments?region="+county, w.bureau.Token,
			map[string]any{"commissioner_id": w.owner.Commissioner.ID, "points": 1, "reason": "成效\u202e突出\u0007"})
		if got := detailFields(res); res.Status != http.StatusUnprocessableEntity || len(got) != 1 || got[0] != "reason" {
			t.Errorf("reason with a bidi override and a bell: %d %s", res.Status, res.Body)
		}
		res = env.Do("POST", "/api/v1/evaluations/2024/adjustments?region="+county, w.bureau.Token,
			map[string]any{"commissioner_id": w.owner.Commissioner.ID, "points": 1, "reason": "第一行\n第二行"})
		mustStatus(t, res, http.StatusCreated, "a reason of two lines")
		var n int64
		env.DB().Model(&models.EvaluationAdjustment{}).Count(&n)
		if n != 1 {
			t.Errorf("%d adjustments stored, want the two-line one", n)
		}
		res = env.Do("POST", "/api/v1/sync/push", w.owner.Token, map[string]any{"device_id": "\u202e\u0001dev", "changes": []any{}})
		if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), "device_id") {
			t.Errorf("device_id with control characters: %d %s", res.Status, res.Body)
		}
		var pushes int64
		env.DB().Model(&models.SyncPush{}).Count(&pushes)
		if pushes != 0 {
			t.Errorf("%d push receipts stored, want 0", pushes)
		}
	})
}
