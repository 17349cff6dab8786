package handlers_test

import (
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// TestSyncContract sends the sync and reference-point endpoints each kind
// of request, so that every kind of answer passes through the package's
// OpenAPI check (TestMain), which fails the run on a mismatch.
func TestSyncContract(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", "330824")
		bureau := env.NewUser("bureau", "330824")
		storeAssignment(t, env, me.Commissioner.ID, "", huashan)
		v := storeVisit(t, env, me.Commissioner, huashan)
		storeVisitDeletion(t, env, v)
		storeVisit(t, env, me.Commissioner, huashan)
		v1, v2 := visitBody(huashan, 1), visitBody(jianfeng, 1)
		bad := visitBody(huashan, 1)
		delete(bad, "village_code")
		doPush(t, env, me.Token, pushBody(upsert("visit", v1, 0), upsert("visit", v2, 0), upsert("visit", bad, 0)))
		doPush(t, env, me.Token, pushBody(upsert("visit", v1, 0), upsert("visit", map[string]any{"id": v2["id"], "notes": "x"}, 0),
			map[string]any{"type": "visit", "op": "delete", "record": map[string]any{"id": v1["id"]}}))
		env.Do("POST", "/api/v1/sync/push", me.Token, "{")
		env.Do("POST", "/api/v1/sync/push", me.Token, map[string]any{"device_id": "p", "changes": make([]map[string]any, 501)})
		pullAll(t, env, me.Token, "", 2)
		env.Do("GET", "/api/v1/sync/pull?cursor=bad", me.Token, nil)
		env.Do("GET", "/api/v1/sync/pull", "", nil)
		path := "/api/v1/regions/" + huashan + "/reference-point"
		env.Do("GET", path, bureau.Token, nil)
		env.Do("PUT", path, bureau.Token, map[string]any{"lat": 29.1, "lng": 118.2})
		env.Do("PUT", path, bureau.Token, map[string]any{"lat": 99})
		env.Do("PUT", path, me.Token, map[string]any{"lat": 29.1, "lng": 118.2})
		env.Do("GET", path, bureau.Token, nil)
	})
}
