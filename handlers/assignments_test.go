package handlers_test

import (
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

func assignBody(kind, id, village string) map[string]any {
	return map[string]any{kind: id, "village_code": village, "start_date": "2024-03-01"}
}

func TestCreateAssignment(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		env.ImportRegions(longyou)
		a := newPeopleAPI(t, env)
		bureau, township := env.NewUser("bureau", kaihua).Token, env.NewUser("township", huabu).Token
		c := env.NewUser("commissioner", kaihua)
		far := env.NewUser("commissioner", longyou)
		cid := c.Commissioner.ID
		p := "/api/v1/assignments"
		both := assignBody("commissioner_id", cid, huabuVillage)
		both["team_id"] = "x"
		badEnd := assignBody("commissioner_id", cid, huabuVillage)
		badEnd["end_date"] = "2024-02-01"
		a.run([]peopleCase{
			{name: "unauthenticated", method: "POST", path: p, body: assignBody("commissioner_id", cid, huabuVillage), status: 401},
			{name: "township", method: "POST", path: p, token: township, body: assignBody("commissioner_id", cid, huabuVillage), status: 403},
			{name: "commissioner", method: "POST", path: p, token: c.Token, body: assignBody("commissioner_id", cid, huabuVillage), status: 403},
			{name: "township code", method: "POST", path: p, token: bureau, body: assignBody("commissioner_id", cid, huabu), status: 422, want: []string{`"field":"village_code"`}},
			{name: "unknown village", method: "POST", path: p, token: bureau, body: assignBody("commissioner_id", cid, "330824115999"), status: 422, want: []string{`"field":"village_code"`}},
			{name: "village out of scope", method: "POST", path: p, token: bureau, body: assignBody("commissioner_id", cid, huzhenVillage), status: 403},
			{name: "commissioner out of scope", method: "POST", path: p, token: bureau, body: assignBody("commissioner_id", far.Commissioner.ID, huabuVillage), status: 422, want: []string{`"field":"commissioner_id"`}},
			{name: "neither", method: "POST", path: p, token: bureau, body: map[string]any{"village_code": huabuVillage, "start_date": "2024-03-01"}, status: 422, want: []string{`"field":"commissioner_id"`}},
			{name: "both", method: "POST", path: p, token: bureau, body: both, status: 422, want: []string{`"field":"commissioner_id"`}},
			{name: "unknown team", method: "POST", path: p, token: bureau, body: assignBody("team_id", "nope", huabuVillage), status: 422, want: []string{`"field":"team_id"`}},
			{name: "bad start", method: "POST", path: p, token: bureau, body: map[string]any{"commissioner_id": cid, "village_code": huabuVillage, "start_date": "2024/03/01"}, status: 422, want: []string{`"field":"start_date"`}},
			{name: "end before start", method: "POST", path: p, token: bureau, body: badEnd, status: 422, want: []string{`"field":"end_date"`}},
			{name: "ok", method: "POST", path: p, token: bureau, body: assignBody("commissioner_id", cid, huabuVillage), status: 201,
				want: []string{`"commissioner_id":"` + cid, `"village_code":"330824115200"`, `"start_date":"2024-03-01"`, `"version":1`}, notWant: []string{"team_id", "end_date"}},
		})
		var assignments, audits, changes int64
		env.DB().Table("assignments").Count(&assignments)
		env.DB().Table("audit_entries").Where("record_type = ? AND action = ?", "assignment", "create").Count(&audits)
		env.DB().Table("changes").Where("record_type = ? AND commissioner_id = ? AND region_code = ?", "assignment", cid, huabuVillage).Count(&changes)
		if assignments != 1 || audits != 1 || changes != 1 {
			t.Fatalf("assignments %d, audit entries %d, change rows %d; want 1 each", assignments, audits, changes)
		}
	})
}

func TestAssignmentReadsAndDelete(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		env.ImportRegions(longyou)
		a := newPeopleAPI(t, env)
		admin, bureau := env.Admin(), env.NewUser("bureau", kaihua).Token
		huabuOffice := env.NewUser("township", huabu).Token
		c1, c2 := env.NewUser("commissioner", kaihua), env.NewUser("commissioner", kaihua)
		far := env.NewUser("commissioner", longyou)
		p := "/api/v1/assignments"
		direct := a.expect(http.StatusCreated, "POST", p, bureau, assignBody("commissioner_id", c1.Commissioner.ID, huabuVillage))["id"].(string)
		team := a.expect(http.StatusCreated, "POST", "/api/v1/teams", bureau, teamBody("服务团", kaihua, []string{c2.Commissioner.ID}, []string{c1.Commissioner.ID}))
		viaTeam := a.expect(http.StatusCreated, "POST", p, bureau, assignBody("team_id", team["id"].(string), tongcunVillage))["id"].(string)
		elsewhere := a.expect(http.StatusCreated, "POST", p, admin, assignBody("commissioner_id", far.Commissioner.ID, huzhenVillage))["id"].(string)
		var teamChange int64
		env.DB().Table("changes").Where("record_id = ? AND commissioner_id = '' AND region_code = ?", viaTeam, tongcunVillage).Count(&teamChange)
		if teamChange != 1 {
			t.Fatalf("team assignment change rows: %d", teamChange)
		}
		for _, tc := range []struct {
			name, tok, query string
			want             []string
		}{
			{"admin", admin, "", []string{direct, viaTeam, elsewhere}},
			{"bureau", bureau, "", []string{direct, viaTeam}},
			{"bureau by region", bureau, "?region=" + tongcun, []string{viaTeam}},
			{"bureau by commissioner, through its team too", bureau, "?commissioner_id=" + c1.Commissioner.ID, []string{direct, viaTeam}},
			{"township", huabuOffice, "", []string{direct}},
			{"commissioner: direct and through its team", c1.Token, "", []string{direct, viaTeam}},
			{"commissioner: through its team", c2.Token, "", []string{viaTeam}},
			{"commissioner asking for another", c2.Token, "?commissioner_id=" + far.Commissioner.ID, nil},
		} {
			got := a.expect(http.StatusOK, "GET", p+tc.query, tc.tok, nil)
			if !peopleSameSet(peopleIDs(got), tc.want) {
				t.Errorf("%s: got %v, want %v", tc.name, peopleIDs(got), tc.want)
			}
		}
		a.run([]peopleCase{
			{name: "unauthenticated", method: "DELETE", path: p + "/" + direct, status: 401},
			{name: "township", method: "DELETE", path: p + "/" + direct, token: huabuOffice, status: 403},
			{name: "commissioner", method: "DELETE", path: p + "/" + direct, token: c1.Token, status: 403},
			{name: "bureau: other county", method: "DELETE", path: p + "/" + elsewhere, token: bureau, status: 404},
			{name: "ok", method: "DELETE", path: p + "/" + direct, token: bureau, status: 204},
			{name: "again", method: "DELETE", path: p + "/" + direct, token: bureau, status: 404},
		})
		if got := peopleIDs(a.expect(http.StatusOK, "GET", p, c1.Token, nil)); !peopleSameSet(got, []string{viaTeam}) {
			t.Fatalf("after delete: %v", got)
		}
		var kept, deletes int64
		env.DB().Table("assignments").Where("id = ? AND deleted_at IS NOT NULL", direct).Count(&kept)
		env.DB().Table("changes").Where("record_id = ? AND op = ? AND commissioner_id = ?", direct, "delete", c1.Commissioner.ID).Count(&deletes)
		if kept != 1 || deletes != 1 {
			t.Fatalf("soft-deleted row %d, delete change rows %d", kept, deletes)
		}
	})
}
