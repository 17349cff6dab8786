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
