package handlers_test

import (
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

func TestCreateCommissioner(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		env.ImportRegions(longyou)
		a := newPeopleAPI(t, env)
		admin, bureau := env.Admin(), env.NewUser("bureau", kaihua).Token
		township, commissioner := env.NewUser("township", huabu).Token, env.NewUser("commissioner", kaihua).Token
		p := "/api/v1/commissioners"
		with := func(k string, v any) map[string]any {
			b := commissionerBody("李四", kaihua)
			b[k] = v
			return b
		}
		body := commissionerBody("张三", huabu)
		a.run([]peopleCase{
			{name: "unauthenticated", method: "POST", path: p, body: commissionerBody("x", kaihua), status: 401},
			{name: "township", method: "POST", path: p, token: township, body: commissionerBody("x", huabu), status: 403},
			{name: "commissioner", method: "POST", path: p, token: commissioner, body: commissionerBody("x", kaihua), status: 403},
			{name: "bureau outside its subtree", method: "POST", path: p, token: bureau, body: commissionerBody("x", longyou), status: 403},
			{name: "bureau", method: "POST", path: p, token: bureau, body: body, status: 201,
				want:    []string{`"name":"张三"`, `"level":"county"`, `"batch":"第十四批"`, `"region_code":"330824115"`, `"phone":"` + body["phone"].(string)},
				notWant: []string{"password"}},
			{name: "admin elsewhere", method: "POST", path: p, token: admin, body: commissionerBody("x", longyou), status: 201},
			{name: "duplicate phone", method: "POST", path: p, token: admin, body: with("phone", body["phone"]), status: 409, want: []string{`"field":"phone"`}},
			{name: "bad level", method: "POST", path: p, token: admin, body: with("level", "village"), status: 422, want: []string{`"field":"level"`}},
			{name: "bad term", method: "POST", path: p, token: admin, body: with("term_end", "2023-02-30"), status: 422, want: []string{`"field":"term_end"`}},
			{name: "term ends before it starts", method: "POST", path: p, token: admin, body: with("term_end", "2023-12-31"), status: 422, want: []string{`"field":"term_end"`}},
			{name: "unknown region", method: "POST", path: p, token: admin, body: with("region_code", "330824999"), status: 422, want: []string{`"field":"region_code"`}},
			{name: "no name", method: "POST", path: p, token: admin, body: with("name", ""), status: 422, want: []string{`"field":"name"`}},
		})
		var users, profiles int64
		env.DB().Table("users").Where("role = ?", "commissioner").Count(&users)
		env.DB().Table("commissioners").Count(&profiles)
		if users != 3 || profiles != 3 { // the caller and the two created
			t.Fatalf("commissioner users %d, profiles %d", users, profiles)
		}
		// The new commissioner logs in and sees its own profile.
		tok := login(a, body["phone"].(string), "secret-pass-1")
		me := a.expect(http.StatusOK, "GET", "/api/v1/me", tok["access_token"].(string), nil)
		if me["role"] != "commissioner" || me["commissioner"].(map[string]any)["specialty"] != "茶叶" {
			t.Fatalf("me: %v", me)
		}
	})
}

func TestCommissionerReads(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		env.ImportRegions(longyou)
		a := newPeopleAPI(t, env)
		admin, bureau := env.Admin(), env.NewUser("bureau", kaihua).Token
		huabuOffice, tongcunOffice := env.NewUser("township", huabu).Token, env.NewUser("township", tongcun).Token
		county := env.NewUser("commissioner", kaihua)   // home county, assigned to a Huabu village
		local := env.NewUser("commissioner", tongcun)   // home Tongcun, not assigned
		outside := env.NewUser("commissioner", longyou) // another county
		env.Assign(county.Commissioner, huabuVillage, "2024-03-01")
		p := "/api/v1/commissioners"
		one := func(c *testenv.Person) string { return p + "/" + c.Commissioner.ID }
		a.run([]peopleCase{
			{name: "unauthenticated", method: "GET", path: p, status: 401},
			{name: "bureau reads its own", method: "GET", path: one(local), token: bureau, status: 200, want: []string{local.Commissioner.ID}},
			{name: "bureau: other county", method: "GET", path: one(outside), token: bureau, status: 404, want: []string{`"not_found"`}},
			{name: "township: assigned in it", method: "GET", path: one(county), token: huabuOffice, status: 200},
			{name: "township: neither home nor assigned", method: "GET", path: one(local), token: huabuOffice, status: 404},
			{name: "township: home in it", method: "GET", path: one(local), token: tongcunOffice, status: 200},
			{name: "commissioner: itself", method: "GET", path: one(county), token: county.Token, status: 200},
			{name: "commissioner: another", method: "GET", path: one(local), token: county.Token, status: 404},
			{name: "no such id", method: "GET", path: p + "/nope", token: admin, status: 404},
			{name: "bad region filter", method: "GET", path: p + "?region=33x", token: admin, status: 400},
		})
		list := func(tok, query string) []string {
			return peopleIDs(a.expect(http.StatusOK, "GET", p+query, tok, nil))
		}
		c1, c2, c3 := county.Commissioner.ID, local.Commissioner.ID, outside.Commissioner.ID
		for _, tc := range []struct {
			name, tok, query string
			want             []string
		}{
			{"admin", admin, "", []string{c1, c2, c3}},
			{"admin in Kaihua", admin, "?region=" + kaihua, []string{c1, c2}},
			{"admin in Huabu", admin, "?region=" + huabu, []string{c1}},
			{"bureau", bureau, "", []string{c1, c2}},
			{"bureau asking for Longyou", bureau, "?region=" + longyou, nil},
			{"bureau by batch", bureau, "?batch=第十四批", []string{c1, c2}},
			{"bureau by another batch", bureau, "?batch=第十三批", nil},
			{"Huabu office", huabuOffice, "", []string{c1}},
			{"Tongcun office", tongcunOffice, "", []string{c2}},
			{"commissioner", local.Token, "", []string{c2}},
		} {
			if got := list(tc.tok, tc.query); !peopleSameSet(got, tc.want) {
				t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
			}
		}
		r := a.call("GET", one(county), county.Token, nil)
		if r.Header.Get("ETag") != `"1"` {
			t.Fatalf("ETag %q", r.Header.Get("ETag"))
		}
	})
}

func TestCommissionerPaging(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		a := newPeopleAPI(t, env)
		admin := env.Admin()
		var want []string
		for range 5 {
			want = append(want, a.createCommissioner(admin, "特派员", kaihua))
		}
		var got []string
		cursor := ""
		for page := 0; page < 10; page++ {
			body := a.expect(http.StatusOK, "GET", "/api/v1/commissioners?limit=2&cursor="+cursor, admin, nil)
			got = append(got, peopleIDs(body)...)
			cursor, _ = body["next_cursor"].(string)
			if cursor == "" {
				break
			}
		}
		if !peopleSameSet(got, want) {
			t.Fatalf("paged %v, want %v", got, want)
		}
		a.expect(http.StatusBadRequest, "GET", "/api/v1/commissioners?cursor=***", admin, nil)
		a.expect(http.StatusBadRequest, "GET", "/api/v1/commissioners?limit=501", admin, nil)
	})
}

func TestPatchCommissioner(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		env.ImportRegions(longyou)
		a := newPeopleAPI(t, env)
		admin, bureau := env.Admin(), env.NewUser("bureau", kaihua).Token
		id := a.createCommissioner(bureau, "赵六", kaihua)
		other := env.NewUser("commissioner", longyou)
		self := env.NewUser("commissioner", kaihua)
		p := "/api/v1/commissioners/" + id
		a.run([]peopleCase{
			{name: "unauthenticated", method: "PATCH", path: p, body: map[string]any{"specialty": "水稻"}, status: 401},
			{name: "commissioner itself", method: "PATCH", path: "/api/v1/commissioners/" + self.Commissioner.ID, token: self.Token, body: map[string]any{"specialty": "x"}, status: 403},
			{name: "bureau: other county", method: "PATCH", path: "/api/v1/commissioners/" + other.Commissioner.ID, token: bureau, body: map[string]any{"specialty": "x"}, status: 404},
			{name: "bad level", method: "PATCH", path: p, token: bureau, body: map[string]any{"level": "town"}, status: 422, want: []string{`"field":"level"`}},
			{name: "move out of its subtree", method: "PATCH", path: p, token: bureau, body: map[string]any{"region_code": huzhen}, status: 403},
			{name: "ok", method: "PATCH", path: p, token: bureau, body: map[string]any{"specialty": "清水鱼养殖", "name": "赵六六"}, status: 200,
				want: []string{`"specialty":"清水鱼养殖"`, `"name":"赵六六"`, `"version":2`, `"organization":"浙江省农业科学院"`}},
		})
		r := a.call("PATCH", p, bureau, map[string]any{"batch": "第十五批"}, "If-Match", `"1"`)
		if r.Status != http.StatusPreconditionFailed || r.ErrorCode() != "precondition_failed" {
			t.Fatalf("stale If-Match: %d %s", r.Status, r.Body)
		}
		if cur := r.JSON()["current"].(map[string]any); cur["version"] != 2.0 || cur["batch"] != "第十四批" {
			t.Fatalf("current: %v", cur)
		}
		a.expect(http.StatusPreconditionFailed, "PATCH", p, bureau, map[string]any{"batch": "第十五批", "version": 1})
		r = a.call("PATCH", p, admin, map[string]any{"batch": "第十五批"}, "If-Match", `"2"`)
		if r.Status != http.StatusOK || r.Header.Get("ETag") != `"3"` {
			t.Fatalf("If-Match current: %d %s %v", r.Status, r.Body, r.Header)
		}
		got := a.expect(http.StatusOK, "GET", p, bureau, nil)
		if got["batch"] != "第十五批" || got["specialty"] != "清水鱼养殖" || got["version"] != 3.0 {
			t.Fatalf("stored: %v", got)
		}
		var name string
		env.DB().Table("users").Where("id = ?", got["user_id"]).Pluck("name", &name)
		if name != "赵六六" {
			t.Fatalf("login name %q", name)
		}
	})
}
