package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// TestTeamRetriesCreateOnce: a team sent with its own id and sent again
// (a lost response retried, a form sent twice, eight retries at once) is
// stored once, with its members once; the same id with another name or
// other members is 409; an id that is no UUID is 422 on id.
func TestTeamRetriesCreateOnce(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		bureau := env.NewUser(models.RoleBureau, kaihua).Token
		c1, c2, c3 := env.NewUser(models.RoleCommissioner, kaihua), env.NewUser(models.RoleCommissioner, huabu), env.NewUser(models.RoleCommissioner, tongcun)
		id1, id2, id3 := c1.Commissioner.ID, c2.Commissioner.ID, c3.Commissioner.ID
		const path = "/api/v1/teams"
		body := func(id, name string, chiefs, members []string) map[string]any {
			b := teamBody(name, kaihua, chiefs, members)
			b["id"] = id
			return b
		}

		first := models.NewID()
		res := env.Do("POST", path, bureau, body(first, "茶叶服务团", []string{id1}, []string{id2}))
		mustStatus(t, res, http.StatusCreated, "first create")
		if m := res.JSON(); m["id"] != first {
			t.Fatalf("first create: %s", res.Body)
		}
		// Again, with the members in another order and the id in upper case.
		res = env.Do("POST", path, bureau, body(strings.ToUpper(first), "茶叶服务团", []string{id1}, []string{id2, id1}))
		mustStatus(t, res, http.StatusOK, "the same team again")
		if m := res.JSON(); m["id"] != first || len(m["members"].([]any)) != 2 {
			t.Errorf("replayed team: %s", res.Body)
		}
		for name, other := range map[string]map[string]any{
			"another name":   body(first, "清水鱼团队", []string{id1}, []string{id2}),
			"another member": body(first, "茶叶服务团", []string{id1}, []string{id3}),
			"another chief":  body(first, "茶叶服务团", []string{id2}, []string{id1}),
			"a member more":  body(first, "茶叶服务团", []string{id1}, []string{id2, id3}),
			"a member fewer": body(first, "茶叶服务团", []string{id1}, nil),
		} {
			mustStatus(t, env.Do("POST", path, bureau, other), http.StatusConflict, "the same id with "+name)
		}
		res = env.Do("POST", path, bureau, body("team-1", "茶叶服务团", []string{id1}, nil))
		if got := detailFields(res); res.Status != http.StatusUnprocessableEntity || len(got) != 1 || got[0] != "id" {
			t.Errorf("an id that is no UUID: %d %s", res.Status, res.Body)
		}

		second := models.NewID()
		statuses := race(8, func(int) int {
			return env.Do("POST", path, bureau, body(second, "清水鱼团队", []string{id3}, []string{id1})).Status
		})
		if created := createdAmong(t, statuses, http.StatusOK); created != 1 {
			t.Errorf("concurrent retries: %d created, want 1 (%v)", created, statuses)
		}

		var teams, members int64
		env.DB().Model(&models.Team{}).Count(&teams)
		env.DB().Model(&models.TeamMember{}).Count(&members)
		if teams != 2 || members != 4 {
			t.Errorf("%d teams and %d member rows stored, want 2 and 4", teams, members)
		}
	})
}
