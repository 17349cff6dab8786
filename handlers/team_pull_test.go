package handlers_test

import (
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// Teams get members only when they are made (POST /teams gives the team a
// new id), so a team's assignments all come after its members. A
// commissioner put in a team pulls the team's assignments, and their
// villages before them, from the cursor it already had.
func TestPullBringsTeamAssignmentsToMembers(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		bureau := env.NewUser("bureau", county)
		me, chief, outsider := env.NewUser("commissioner", county), env.NewUser("commissioner", county), env.NewUser("commissioner", county)
		assign := func(who, id string) string {
			t.Helper()
			r := env.Do("POST", "/api/v1/assignments", bureau.Token, map[string]any{who: id, "village_code": villageB, "start_date": "2024-01-01"})
			mustStatus(t, r, http.StatusCreated, "assign")
			return r.JSON()["id"].(string)
		}
		own := assign("commissioner_id", me.Commissioner.ID)
		changes, cursor := pullAll(t, env, me.Token, "", 500)
		if got := byKey(changes); got["assignment/"+own].Op != "upsert" {
			t.Fatalf("first pull: %+v", got)
		}

		r := env.Do("POST", "/api/v1/teams", bureau.Token, map[string]any{"name": "茶叶服务团", "region_code": county,
			"chief_ids": []string{chief.Commissioner.ID}, "member_ids": []string{me.Commissioner.ID}})
		mustStatus(t, r, http.StatusCreated, "create team")
		teamID := r.JSON()["id"].(string)
		r = env.Do("POST", "/api/v1/assignments", bureau.Token, map[string]any{"team_id": teamID, "village_code": villageA, "start_date": "2024-01-01"})
		mustStatus(t, r, http.StatusCreated, "assign the team")
		ours := r.JSON()["id"].(string)

		changes, _ = pullAll(t, env, me.Token, cursor, 500)
		if len(changes) != 2 || changes[0].Type != "region" || recID(changes[0].Record) != villageA ||
			changes[1].Type != "assignment" || changes[1].Op != "upsert" || changes[1].Record["team_id"] != teamID || recID(changes[1].Record) != ours {
			t.Fatalf("member's pull after the team was assigned: %+v", changes)
		}
		if got := byKey(firstPull(t, env, chief.Token)); got["assignment/"+ours].Op != "upsert" || got["region/"+villageA].Op != "upsert" {
			t.Errorf("chief's pull: %+v", got)
		}
		if got := byKey(firstPull(t, env, outsider.Token)); len(got) != 0 {
			t.Errorf("a commissioner outside the team pulled %+v", got)
		}
	})
}
