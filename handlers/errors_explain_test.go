package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// errorMessage returns the error message of an answer and its first
// detail's field and message.
func errorMessage(t *testing.T, r *testenv.Resp) (msg, field, detail string) {
	t.Helper()
	e, _ := r.JSON()["error"].(map[string]any)
	if e == nil {
		t.Fatalf("no error: %d %s", r.Status, r.Body)
	}
	msg, _ = e["message"].(string)
	if ds, _ := e["details"].([]any); len(ds) > 0 {
		d := ds[0].(map[string]any)
		field, detail = d["field"].(string), d["message"].(string)
	}
	return msg, field, detail
}

// TestErrorsSayWhatToFix checks each message worked out by hand: a record
// body's syntax error gives the byte, a township code where a village is
// expected names both levels, an unknown sync type lists the valid ones,
// and a 403 names the caller's role and region, by API and by sync.
func TestErrorsSayWhatToFix(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		env.ImportRegions(longyou)
		me := env.NewUser("commissioner", kaihua)
		township := env.NewUser("township", huabu)
		bureau := env.NewUser("bureau", kaihua)
		en := []string{"Accept-Language", "en"}

		// {"village_code":"330824106200",} — the '}' is byte 32.
		r := env.Do("POST", "/api/v1/visits", me.Token, `{"village_code":"330824106200",}`)
		if msg, _, _ := errorMessage(t, r); r.Status != 400 || msg != "JSON 格式错误：第 32 字节（第 1 行第 32 列）处的 '}' 之前有多余的逗号" {
			t.Errorf("trailing comma: %d %q", r.Status, msg)
		}
		r = env.Do("POST", "/api/v1/visits", me.Token, `[1]`)
		if msg, _, _ := errorMessage(t, r); r.Status != 400 || msg != "记录须为 JSON 对象" {
			t.Errorf("not an object: %d %q", r.Status, msg)
		}

		v := visitBody(huashan, 1)
		v["village_code"] = huabu
		_, field, detail := errorMessage(t, env.Do("POST", "/api/v1/visits", me.Token, v))
		if field != "village_code" || detail != "须为村级（12 位）区划代码；330824115 是乡镇级代码（9 位）" {
			t.Errorf("township for a village: %s %q", field, detail)
		}
		_, _, detail = errorMessage(t, env.Do("POST", "/api/v1/visits", me.Token, v, en...))
		if detail != "must be a village code (12 digits); 330824115 is a township code (9 digits)" {
			t.Errorf("township for a village, en: %q", detail)
		}

		res := doPush(t, env, me.Token, pushBody(upsert("visitt", visitBody(huashan, 1), 0)))
		d := res[0].Error["details"].([]any)[0].(map[string]any)
		if res[0].Status != "invalid" || d["field"] != "type" ||
			d["message"] != `未知的记录类型 "visitt"；可用的类型：demand、harvest、household、income、plot、plot_observation、project、training、visit` {
			t.Errorf("unknown type: %+v", res[0])
		}

		msg, _, _ := errorMessage(t, env.Do("POST", "/api/v1/users", township.Token, userBody(newPhone(), "township", huabu)))
		if msg != "无权执行此操作：你的角色是乡镇（township），范围是 330824115 华埠镇" {
			t.Errorf("township 403: %q", msg)
		}
		msg, _, _ = errorMessage(t, env.Do("POST", "/api/v1/users", bureau.Token, userBody(newPhone(), "township", huzhen), en...))
		if msg != "you are not allowed to do this: your role is bureau, your scope is 330824 开化县" {
			t.Errorf("bureau 403: %q", msg)
		}
		res = doPush(t, env, bureau.Token, pushBody(upsert("visit", visitBody(huashan, 1), 0)))
		if res[0].Status != "forbidden" || res[0].Error["message"] != "无权执行此操作：你的角色是科技局（bureau），范围是 330824 开化县" {
			t.Errorf("sync 403: %+v", res[0])
		}
		if r := env.Do("GET", "/api/v1/users", me.Token, nil); r.Status != http.StatusOK || !strings.Contains(string(r.Body), me.User.ID) {
			t.Errorf("commissioner lists itself: %d %s", r.Status, r.Body)
		}
	})
}
