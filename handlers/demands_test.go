package handlers_test

import (
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

func demandBody(region string) map[string]any {
	return map[string]any{"id": newID(), "region_code": region, "title": "茶园出现大面积叶片发黄",
		"description": "请派茶叶专家现场诊断", "category": "病虫害防治"}
}

func TestDemandFlow(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		w := newWorld(t, env)
		stranger := env.NewUser("commissioner", otherCnty)
		d := post(t, env, "/demands", w.township.Token, demandBody(villageA))
		id, path := d["id"].(string), "/api/v1/demands/"+d["id"].(string)
		if d["status"] != "open" || d["raised_by"] != w.township.User.ID || d["claimed_by"] != "" {
			t.Fatalf("raised: %v", d)
		}
		mustStatus(t, env.Do("POST", "/api/v1/demands", w.owner.Token, demandBody(villageA)), http.StatusForbidden, "commissioner raises")
		sameSet(t, "open demands the owner sees", ids(t, env.Do("GET", "/api/v1/demands?status=open", w.owner.Token, nil)), []string{id})
		sameSet(t, "a stranger sees none", ids(t, env.Do("GET", "/api/v1/demands", stranger.Token, nil)), nil)
		mustStatus(t, env.Do("GET", path, stranger.Token, nil), http.StatusNotFound, "stranger reads")
		mustStatus(t, env.Do("PATCH", path, w.owner.Token, map[string]any{"title": "改"}), http.StatusUnprocessableEntity, "commissioner edits content")
		mustStatus(t, env.Do("PATCH", path, w.township.Token, map[string]any{"status": "claimed"}), http.StatusUnprocessableEntity, "office claims")
		mustStatus(t, env.Do("PATCH", path, w.owner.Token, map[string]any{"status": "resolved", "resolution": "已处理"}), http.StatusUnprocessableEntity, "skip to resolved")

		r := env.Do("PATCH", path, w.owner.Token, map[string]any{"status": "claimed"})
		mustStatus(t, r, http.StatusOK, "claim")
		if r.JSON()["claimed_by"] != w.owner.Commissioner.ID || r.JSON()["claimed_at"] == nil {
			t.Fatalf("claimed: %s", r.Body)
		}
		mustStatus(t, env.Do("GET", path, w.other.Token, nil), http.StatusNotFound, "claimed by another")
		mustStatus(t, env.Do("PATCH", path, w.township.Token, map[string]any{"title": "改"}), http.StatusUnprocessableEntity, "office edits a claimed demand")
		mustStatus(t, env.Do("PATCH", path, w.owner.Token, map[string]any{"status": "open"}), http.StatusUnprocessableEntity, "back to open")
		mustStatus(t, env.Do("PATCH", path, w.owner.Token, map[string]any{"status": "resolved"}), http.StatusUnprocessableEntity, "resolve without resolution")
		r = env.Do("PATCH", path, w.owner.Token, map[string]any{"status": "resolved", "resolution": "已现场诊断为缺肥，指导施用有机肥"})
		mustStatus(t, r, http.StatusOK, "resolve")
		if r.JSON()["resolved_at"] == nil || r.JSON()["version"].(float64) != 3 {
			t.Fatalf("resolved: %s", r.Body)
		}
		mustStatus(t, env.Do("PATCH", path, w.owner.Token, map[string]any{"status": "claimed"}), http.StatusUnprocessableEntity, "resolved back to claimed")
		sameSet(t, "resolved in township A", ids(t, env.Do("GET", "/api/v1/demands?status=resolved&region="+townA, w.bureau.Token, nil)), []string{id})
		mustStatus(t, env.Do("DELETE", path, w.owner.Token, nil), http.StatusForbidden, "commissioner deletes")
		mustStatus(t, env.Do("DELETE", path, w.township.Token, nil), http.StatusNoContent, "office deletes")

		expectInvalid(t, env, "/demands", w.township.Token, "demands", demandBody(townA), []invalidCase{
			{"other township", map[string]any{"region_code": townB}, []string{"region_code"}},
			{"county", map[string]any{"region_code": county}, []string{"region_code"}},
			{"no title", map[string]any{"title": " "}, []string{"title"}},
			{"raised claimed", map[string]any{"status": "claimed"}, []string{"status"}},
			{"unknown status", map[string]any{"status": "done"}, []string{"status"}},
			{"claimer named", map[string]any{"claimed_by": w.owner.Commissioner.ID}, []string{"claimed_by"}},
			{"resolution on open", map[string]any{"resolution": "x"}, []string{"resolution"}},
		})
	})
}
