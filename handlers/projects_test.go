package handlers_test

import (
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

func projectBody(region string) map[string]any {
	return map[string]any{"id": newID(), "title": "白茶提质增效示范", "funds_fen": 50000000, "region_code": region,
		"start_date": "2024-01-01", "end_date": "2025-12-31"}
}

func testProjects(t *testing.T, env *testenv.Env) {
	w := newWorld(t, env)
	own := post(t, env, "/projects", w.owner.Token, projectBody(county))
	if own["commissioner_id"] != w.owner.Commissioner.ID {
		t.Fatalf("own project: %v", own)
	}
	forOwner := with(projectBody(townA), map[string]any{"commissioner_id": w.owner.Commissioner.ID})
	p := post(t, env, "/projects", w.bureau.Token, forOwner)
	r := env.Do("GET", "/api/v1/projects", w.owner.Token, nil)
	sameSet(t, "owner's projects", ids(t, r), []string{own["id"].(string), p["id"].(string)})
	r = env.Do("PATCH", "/api/v1/projects/"+p["id"].(string), w.bureau.Token, map[string]any{"funds_fen": 60000000})
	mustStatus(t, r, http.StatusOK, "bureau changes funds")
	mustStatus(t, env.Do("POST", "/api/v1/projects", w.township.Token, projectBody(townA)), http.StatusForbidden, "township creates")

	team := models.Team{ID: newID(), Name: "清水鱼服务团", RegionCode: county, Version: 1}
	if err := env.DB().Create(&team).Error; err != nil {
		t.Fatal(err)
	}
	post(t, env, "/projects", w.bureau.Token, with(projectBody(county), map[string]any{"team_id": team.ID}))
	expectInvalid(t, env, "/projects", w.owner.Token, "projects", projectBody(county), []invalidCase{
		{"another commissioner", map[string]any{"commissioner_id": w.other.Commissioner.ID}, []string{"commissioner_id"}},
		{"team it is not in", map[string]any{"team_id": team.ID}, []string{"team_id"}},
		{"no title", map[string]any{"title": nil}, []string{"title"}},
		{"negative funds", map[string]any{"funds_fen": -1}, []string{"funds_fen"}},
		{"ends before it starts", map[string]any{"end_date": "2023-12-31"}, []string{"end_date"}},
		{"province", map[string]any{"region_code": "33"}, []string{"region_code"}},
		{"bad code", map[string]any{"region_code": "3308x"}, []string{"region_code"}},
	})
	expectInvalid(t, env, "/projects", w.bureau.Token, "projects", forOwner, []invalidCase{
		{"no owner", map[string]any{"commissioner_id": nil}, []string{"commissioner_id"}},
		{"unknown commissioner", map[string]any{"commissioner_id": newID()}, []string{"commissioner_id"}},
		{"unknown team", map[string]any{"team_id": newID()}, []string{"team_id"}},
		{"outside its county", map[string]any{"region_code": "330825"}, []string{"region_code"}},
	})
}
