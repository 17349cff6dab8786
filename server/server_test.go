package server_test

import (
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

func TestOpsAndErrorShape(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		if r := env.Do("GET", "/healthz", "", nil); r.Status != http.StatusOK {
			t.Fatalf("healthz: %d", r.Status)
		}
		if r := env.Do("GET", "/readyz", "", nil); r.Status != http.StatusOK {
			t.Fatalf("readyz: %d %s", r.Status, r.Body)
		}
		r := env.Do("GET", "/api/v1/nope", "", nil)
		if r.Status != http.StatusNotFound || r.ErrorCode() != "not_found" || r.JSON()["request_id"] == "" {
			t.Fatalf("unknown route: %d %s", r.Status, r.Body)
		}
		r = env.Do("GET", "/api/v1/nope", "", nil, "Accept-Language", "en-US,en;q=0.9")
		if msg := r.JSON()["error"].(map[string]any)["message"]; msg != "no such endpoint" {
			t.Fatalf("english message: %v", msg)
		}
		var n int64
		env.DB().Table("regions").Where("code LIKE ?", "330824%").Count(&n)
		// Kaihua: the county, 14 townships and 269 village-level units.
		if n != 1+14+269 {
			t.Fatalf("Kaihua regions: %d", n)
		}
	})
}
