package handlers_test

import (
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

func trainingBody(region string) map[string]any {
	return map[string]any{"id": newID(), "region_code": region, "title": "茶园病虫害绿色防控培训",
		"held_at": at(2, 14, 0), "hours": 2.5, "attendees": 45, "women_attendees": 20,
		"topics": []string{"病虫害防治"}, "technologies": []string{"绿色防控"}}
}

func testTrainingLifecycleAndValidation(t *testing.T, env *testenv.Env) {
	w := newWorld(t, env)
	tok := w.owner.Token
	body := trainingBody(townA)
	tr := post(t, env, "/trainings", tok, body)
	if tr["held_date"] != dayOf(body["held_at"].(string)) || tr["women_attendees"].(float64) != 20 {
		t.Fatalf("training: %v", tr)
	}
	post(t, env, "/trainings", tok, trainingBody(villageA))
	id := tr["id"].(string)
	r := env.Do("PATCH", "/api/v1/trainings/"+id, tok, map[string]any{"women_attendees": nil})
	mustStatus(t, r, http.StatusOK, "clear women_attendees")
	if r.JSON()["women_attendees"] != nil || r.JSON()["version"].(float64) != 2 {
		t.Fatalf("cleared: %s", r.Body)
	}
	r = env.Do("PATCH", "/api/v1/trainings/"+id, tok, map[string]any{"attendees": 10, "women_attendees": 11})
	if r.Status != 422 || !containsStr(details(r), "women_attendees") {
		t.Fatalf("women above attendees: %d %s", r.Status, r.Body)
	}
	r = env.Do("PATCH", "/api/v1/trainings/"+id, tok, map[string]any{"title": "茶园病虫害绿色防控培训"})
	mustStatus(t, r, http.StatusOK, "no-op patch")
	if r.JSON()["version"].(float64) != 2 {
		t.Fatalf("a patch that changes nothing bumped the version: %s", r.Body)
	}
	expectInvalid(t, env, "/trainings", tok, "trainings", trainingBody(townA), []invalidCase{
		{"county", map[string]any{"region_code": county}, []string{"region_code"}},
		{"no region", map[string]any{"region_code": nil}, []string{"region_code"}},
		{"township elsewhere", map[string]any{"region_code": "330825100"}, []string{"region_code"}},
		{"no title", map[string]any{"title": ""}, []string{"title"}},
		{"long title", map[string]any{"title": repeat("培", 201)}, []string{"title"}},
		{"no time", map[string]any{"held_at": nil}, []string{"held_at"}},
		{"future", map[string]any{"held_at": at(-2, 9, 0)}, []string{"held_at"}},
		{"zero hours", map[string]any{"hours": 0}, []string{"hours"}},
		{"25 hours", map[string]any{"hours": 25}, []string{"hours"}},
		{"negative attendees", map[string]any{"attendees": -1, "women_attendees": nil}, []string{"attendees"}},
		{"more women than attendees", map[string]any{"attendees": 5, "women_attendees": 6}, []string{"women_attendees"}},
		{"51 topics", map[string]any{"topics": names(51)}, []string{"topics"}},
		{"technologies wrong type", map[string]any{"technologies": map[string]any{"a": 1}}, []string{"technologies"}},
	})
}
