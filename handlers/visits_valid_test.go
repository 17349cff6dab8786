package handlers_test

import (
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

func testVisitValidation(t *testing.T, env *testenv.Env) {
	w := newWorld(t, env)
	start := count(t, env, "visits")
	valid := visitBody(villageA, 1)
	expectInvalid(t, env, "/visits", w.owner.Token, "visits", valid, []invalidCase{
		{"no village", map[string]any{"village_code": nil}, []string{"village_code"}},
		{"township for village", map[string]any{"village_code": townA}, []string{"village_code"}},
		{"unknown village", map[string]any{"village_code": "330824106999"}, []string{"village_code"}},
		{"village of another county", map[string]any{"village_code": "330825100200"}, []string{"village_code"}},
		{"no start", map[string]any{"started_at": nil}, []string{"started_at"}},
		{"start not RFC 3339", map[string]any{"started_at": "yesterday"}, []string{"started_at"}},
		{"start a number", map[string]any{"started_at": 1716253800}, []string{"started_at"}},
		{"start before 2000", map[string]any{"started_at": "1999-12-31T09:00:00+08:00", "ended_at": "1999-12-31T10:00:00+08:00"}, []string{"started_at", "ended_at"}},
		{"start in 3 days", map[string]any{"started_at": at(-3, 9, 0), "ended_at": at(-3, 10, 0)}, []string{"started_at", "ended_at"}},
		{"end before start", map[string]any{"ended_at": at(1, 8, 0)}, []string{"ended_at"}},
		{"end 25 h after start", map[string]any{"started_at": at(2, 9, 0), "ended_at": at(1, 10, 0)}, []string{"ended_at"}},
		{"lat without lng", map[string]any{"lng": nil}, []string{"lng"}},
		{"lat outside China", map[string]any{"lat": 60.0}, []string{"lat"}},
		{"lng outside China", map[string]any{"lng": 140.0}, []string{"lng"}},
		{"negative accuracy", map[string]any{"accuracy_m": -1}, []string{"accuracy_m"}},
		{"no category", map[string]any{"category": "  "}, []string{"category"}},
		{"long category", map[string]any{"category": repeat("病", 51)}, []string{"category"}},
		{"51 crops", map[string]any{"crops": names(51)}, []string{"crops"}},
		{"empty crop", map[string]any{"crops": []string{""}}, []string{"crops"}},
		{"repeated crop", map[string]any{"crops": []string{"茶叶", "茶叶"}}, []string{"crops"}},
		{"crops not a list", map[string]any{"crops": "茶叶"}, []string{"crops"}},
		{"long problem", map[string]any{"problem": repeat("虫", 5001)}, []string{"problem"}},
		{"control character", map[string]any{"category": "病虫\u0007害"}, []string{"category"}},
		{"negative farmers", map[string]any{"farmers_served": -1}, []string{"farmers_served"}},
		{"too many farmers", map[string]any{"farmers_served": 100001}, []string{"farmers_served"}},
		{"farmers as text", map[string]any{"farmers_served": "six"}, []string{"farmers_served"}},
		{"farmers fractional", map[string]any{"farmers_served": 1.5}, []string{"farmers_served"}},
		{"household id not a UUID", map[string]any{"household_ids": []string{"h-1"}}, []string{"household_ids"}},
		{"negative leaflets", map[string]any{"leaflets": -1}, []string{"leaflets"}},
		{"51 technologies", map[string]any{"technologies": names(51)}, []string{"technologies"}},
		{"long variety", map[string]any{"varieties": []string{repeat("种", 101)}}, []string{"varieties"}},
		{"long notes", map[string]any{"notes": repeat("记", 5001)}, []string{"notes"}},
		{"bad device time", map[string]any{"device_time": "soon"}, []string{"device_time"}},
		{"several at once", map[string]any{"category": "", "lat": 99.0, "leaflets": -5, "crops": 3}, []string{"category", "lat", "leaflets", "crops"}},
	})
	badID := with(valid, nil)
	badID["id"] = "not-a-uuid"
	r := env.Do("POST", "/api/v1/visits", w.owner.Token, badID)
	if r.Status != 422 || !containsStr(details(r), "id") {
		t.Fatalf("bad id: %d %s", r.Status, r.Body)
	}
	mustStatus(t, env.Do("POST", "/api/v1/visits", w.owner.Token, "[1,2]"), http.StatusBadRequest, "array body")
	mustStatus(t, env.Do("POST", "/api/v1/visits", w.owner.Token, `{"village_code": `), http.StatusBadRequest, "broken JSON")
	mustStatus(t, env.Do("POST", "/api/v1/visits", w.owner.Token, "village=1", "Content-Type", "text/plain"), http.StatusUnsupportedMediaType, "text body")
	mustStatus(t, env.Do("POST", "/api/v1/visits", "", valid), http.StatusUnauthorized, "no token")
	if n := count(t, env, "visits"); n != start {
		t.Fatalf("visits stored: %d", n)
	}
}

func testVisitScopeThroughAssignments(t *testing.T, env *testenv.Env) {
	// A provincial commissioner from elsewhere serves villageB only
	// while assigned, and villageA2 through its team.
	c := env.NewUser("commissioner", otherCnty)
	env.Assign(c.Commissioner, villageB, "2020-01-01")
	ended := models.Assignment{ID: newID(), CommissionerID: c.Commissioner.ID, VillageCode: villageA, StartDate: "2020-01-01", EndDate: "2020-12-31", Version: 1}
	team := models.Team{ID: newID(), Name: "茶叶服务团", RegionCode: county, Version: 1}
	viaTeam := models.Assignment{ID: newID(), TeamID: team.ID, VillageCode: villageA2, StartDate: "2020-01-01", Version: 1}
	for _, row := range []any{&ended, &team, &models.TeamMember{TeamID: team.ID, CommissionerID: c.Commissioner.ID}, &viaTeam} {
		if err := env.DB().Create(row).Error; err != nil {
			t.Fatal(err)
		}
	}
	post(t, env, "/visits", c.Token, visitBody(villageB, 1))
	post(t, env, "/visits", c.Token, visitBody(villageA2, 1))
	r := env.Do("POST", "/api/v1/visits", c.Token, visitBody(villageA, 1))
	if r.Status != 422 || !containsStr(details(r), "village_code") {
		t.Fatalf("village whose assignment ended: %d %s", r.Status, r.Body)
	}
	old := visitBody(villageA, 0)
	old["started_at"], old["ended_at"] = "2020-06-01T09:00:00+08:00", "2020-06-01T10:00:00+08:00"
	post(t, env, "/visits", c.Token, old)
	// A training in the township of an assigned village is in scope.
	post(t, env, "/trainings", c.Token, trainingBody(townB))
	if r := env.Do("POST", "/api/v1/trainings", c.Token, trainingBody(county)); r.Status != 422 {
		t.Fatalf("training at county level: %d", r.Status)
	}
	env.DB().Model(&models.Team{}).Where("id = ?", team.ID).Update("deleted_at", models.Now())
	if r := env.Do("POST", "/api/v1/visits", c.Token, visitBody(villageA2, 1)); r.Status != 422 {
		t.Fatalf("village of a deleted team: %d %s", r.Status, r.Body)
	}
}
