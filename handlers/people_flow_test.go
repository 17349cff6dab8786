package handlers_test

import (
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// TestPeopleThroughTheAPI sets Kaihua up from nothing but the configured
// admin: a county bureau, a township office, two commissioners, a team
// and assignments, each logging in with the password it was given; then
// every role sees exactly its share.
func TestPeopleThroughTheAPI(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		env.ImportRegions(longyou)
		a := newPeopleAPI(t, env)
		token := func(phone string) string { return login(a, phone, "secret-pass-1")["access_token"].(string) }
		admin := login(a, testenv.AdminPhone, testenv.AdminPassword)["access_token"].(string)

		a.expect(http.StatusCreated, "POST", "/api/v1/users", admin, userBody("13600000001", "bureau", kaihua))
		a.expect(http.StatusCreated, "POST", "/api/v1/users", admin, userBody("13600000002", "bureau", longyou))
		bureau, longyouBureau := token("13600000001"), token("13600000002")
		a.expect(http.StatusCreated, "POST", "/api/v1/users", bureau, userBody("13600000003", "township", huabu))
		office := token("13600000003")

		tea, fish := commissionerBody("茶叶专家", kaihua), commissionerBody("清水鱼专家", tongcun)
		tea["phone"], fish["phone"] = "13600000004", "13600000005"
		teaID := a.expect(http.StatusCreated, "POST", "/api/v1/commissioners", bureau, tea)["id"].(string)
		fishID := a.expect(http.StatusCreated, "POST", "/api/v1/commissioners", bureau, fish)["id"].(string)
		teaTok, fishTok := token("13600000004"), token("13600000005")

		team := a.expect(http.StatusCreated, "POST", "/api/v1/teams", bureau, teamBody("开化县茶产业服务团", kaihua, []string{teaID, fishID}, nil))
		teamID := team["id"].(string)
		a1 := a.expect(http.StatusCreated, "POST", "/api/v1/assignments", bureau, assignBody("commissioner_id", teaID, huabuVillage))["id"].(string)
		a2 := a.expect(http.StatusCreated, "POST", "/api/v1/assignments", bureau, assignBody("team_id", teamID, huabuVillage2))["id"].(string)
		a3 := a.expect(http.StatusCreated, "POST", "/api/v1/assignments", bureau, assignBody("commissioner_id", fishID, tongcunVillage))["id"].(string)

		seen := func(tok, path string) []string { return peopleIDs(a.expect(http.StatusOK, "GET", path, tok, nil)) }
		for _, tc := range []struct {
			who, tok, path string
			want           []string
		}{
			{"bureau: commissioners", bureau, "/api/v1/commissioners", []string{teaID, fishID}},
			{"bureau: assignments", bureau, "/api/v1/assignments", []string{a1, a2, a3}},
			{"other county: commissioners", longyouBureau, "/api/v1/commissioners", nil},
			{"other county: teams", longyouBureau, "/api/v1/teams", nil},
			{"other county: assignments", longyouBureau, "/api/v1/assignments", nil},
			// Huabu's office sees who serves its villages: the tea expert
			// directly, both through the team.
			{"township: commissioners", office, "/api/v1/commissioners", []string{teaID, fishID}},
			{"township: assignments", office, "/api/v1/assignments", []string{a1, a2}},
			{"township: teams", office, "/api/v1/teams", []string{teamID}},
			{"tea expert: itself", teaTok, "/api/v1/commissioners", []string{teaID}},
			{"tea expert: its assignments", teaTok, "/api/v1/assignments", []string{a1, a2}},
			{"fish expert: its assignments", fishTok, "/api/v1/assignments", []string{a2, a3}},
			{"fish expert: its team", fishTok, "/api/v1/teams", []string{teamID}},
		} {
			if got := seen(tc.tok, tc.path); !peopleSameSet(got, tc.want) {
				t.Errorf("%s: got %v, want %v", tc.who, got, tc.want)
			}
		}
		a.run([]peopleCase{
			{name: "commissioner reads another", method: "GET", path: "/api/v1/commissioners/" + fishID, token: teaTok, status: 404},
			{name: "other county reads ours", method: "GET", path: "/api/v1/commissioners/" + teaID, token: longyouBureau, status: 404},
			{name: "other county deletes ours", method: "DELETE", path: "/api/v1/assignments/" + a1, token: longyouBureau, status: 404},
			{name: "township assigns", method: "POST", path: "/api/v1/assignments", token: office, body: assignBody("commissioner_id", teaID, huabuVillage), status: 403},
			{name: "township creates a user", method: "POST", path: "/api/v1/users", token: office, body: userBody(newPhone(), "township", huabu), status: 403},
			{name: "bureau creates in the other county", method: "POST", path: "/api/v1/users", token: bureau, body: userBody(newPhone(), "township", huzhen), status: 403},
			{name: "commissioner's me", method: "GET", path: "/api/v1/me", token: fishTok, status: 200, want: []string{`"commissioner":{`, fishID}},
		})
	})
}
