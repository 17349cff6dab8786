package handlers_test

import (
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

func teamBody(name, region string, chiefs, members []string) map[string]any {
	return map[string]any{"name": name, "region_code": region, "chief_ids": chiefs, "member_ids": members}
}

func TestTeams(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		env.ImportRegions(longyou)
		a := newPeopleAPI(t, env)
		admin, bureau := env.Admin(), env.NewUser("bureau", kaihua).Token
		township := env.NewUser("township", huabu).Token
		c1, c2, c3 := env.NewUser("commissioner", kaihua), env.NewUser("commissioner", huabu), env.NewUser("commissioner", tongcun)
		far := env.NewUser("commissioner", longyou)
		id1, id2, id3 := c1.Commissioner.ID, c2.Commissioner.ID, c3.Commissioner.ID
		p := "/api/v1/teams"
		a.run([]peopleCase{
			{name: "unauthenticated", method: "POST", path: p, body: teamBody("茶叶服务团", kaihua, []string{id1}, nil), status: 401},
			{name: "township", method: "POST", path: p, token: township, body: teamBody("茶叶服务团", huabu, []string{id1}, nil), status: 403},
			{name: "commissioner", method: "POST", path: p, token: c1.Token, body: teamBody("茶叶服务团", kaihua, []string{id1}, nil), status: 403},
			{name: "no chief", method: "POST", path: p, token: bureau, body: teamBody("茶叶服务团", kaihua, nil, []string{id1}), status: 422, want: []string{`"field":"chief_ids"`}},
			{name: "three chiefs", method: "POST", path: p, token: bureau, body: teamBody("茶叶服务团", kaihua, []string{id1, id2, id3}, nil), status: 422, want: []string{`"field":"chief_ids"`}},
			{name: "member out of scope", method: "POST", path: p, token: bureau, body: teamBody("茶叶服务团", kaihua, []string{id1}, []string{far.Commissioner.ID}), status: 422, want: []string{`"field":"member_ids"`}},
			{name: "unknown chief", method: "POST", path: p, token: bureau, body: teamBody("茶叶服务团", kaihua, []string{"nope"}, nil), status: 422, want: []string{`"field":"chief_ids"`}},
			{name: "region out of scope", method: "POST", path: p, token: bureau, body: teamBody("茶叶服务团", longyou, []string{id1}, nil), status: 403},
			{name: "no name", method: "POST", path: p, token: bureau, body: teamBody("", kaihua, []string{id1}, nil), status: 422, want: []string{`"field":"name"`}},
		})
		var n int64
		if env.DB().Table("teams").Count(&n); n != 0 {
			t.Fatalf("refused teams stored: %d", n)
		}
		// Two chiefs, who are members too, and one more member.
		team := a.expect(http.StatusCreated, "POST", p, bureau, teamBody("茶叶服务团", kaihua, []string{id1, id2}, []string{id3, id1}))
		if !peopleSameSet(toStrings(team["chief_ids"]), []string{id1, id2}) || !peopleSameSet(toStrings(team["member_ids"]), []string{id1, id2, id3}) {
			t.Fatalf("team: %v", team)
		}
		members := team["members"].([]any)
		if len(members) != 3 || !members[0].(map[string]any)["chief"].(bool) || members[2].(map[string]any)["chief"].(bool) {
			t.Fatalf("members, chiefs first: %v", members)
		}
		small := a.expect(http.StatusCreated, "POST", p, admin, teamBody("清水鱼团队", tongcun, []string{id3}, nil))
		farTeam := a.expect(http.StatusCreated, "POST", p, admin, teamBody("衢州团队", longyou, []string{far.Commissioner.ID}, nil))
		all := []string{team["id"].(string), small["id"].(string), farTeam["id"].(string)}
		for _, tc := range []struct {
			name, tok, query string
			want             []string
		}{
			{"admin", admin, "", all},
			{"admin in Tongcun", admin, "?region=" + tongcun, all[1:2]},
			{"bureau", bureau, "", all[:2]},
			{"Huabu office: none based or assigned there", township, "", nil},
			{"chief of one team", c2.Token, "", all[:1]},
			{"member of two teams", c3.Token, "", all[:2]},
		} {
			got := a.expect(http.StatusOK, "GET", p+tc.query, tc.tok, nil)
			if !peopleSameSet(peopleIDs(got), tc.want) {
				t.Errorf("%s: got %v, want %v", tc.name, peopleIDs(got), tc.want)
			}
		}
		a.expect(http.StatusUnauthorized, "GET", p, "", nil)
	})
}

func toStrings(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}
