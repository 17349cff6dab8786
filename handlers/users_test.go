package handlers_test

import (
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

func userBody(phone, role, region string) map[string]any {
	return map[string]any{"phone": phone, "password": "secret-pass-1", "name": "王五", "role": role, "region_code": region}
}

func TestCreateUser(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		env.ImportRegions(longyou)
		a := newPeopleAPI(t, env)
		admin := env.Admin()
		bureau := env.NewUser("bureau", kaihua).Token
		township := env.NewUser("township", huabu).Token
		commissioner := env.NewUser("commissioner", kaihua).Token
		taken := newPhone()
		a.expect(http.StatusCreated, "POST", "/api/v1/users", admin, userBody(taken, "township", tongcun))
		p := "/api/v1/users"
		a.run([]peopleCase{
			{name: "unauthenticated", method: "POST", path: p, body: userBody(newPhone(), "township", huabu), status: 401},
			{name: "commissioner", method: "POST", path: p, token: commissioner, body: userBody(newPhone(), "township", huabu), status: 403},
			{name: "township", method: "POST", path: p, token: township, body: userBody(newPhone(), "township", huabu), status: 403},
			{name: "bureau: township user in its county", method: "POST", path: p, token: bureau, body: userBody("13700009001", "township", huabu),
				status: 201, want: []string{`"phone":"13700009001"`, `"role":"township"`, `"region_code":"330824115"`, `"version":1`}, notWant: []string{`"password"`, "password_hash"}},
			{name: "bureau: bureau user at its own county", method: "POST", path: p, token: bureau, body: userBody(newPhone(), "bureau", kaihua), status: 201},
			{name: "bureau: township outside its subtree", method: "POST", path: p, token: bureau, body: userBody(newPhone(), "township", huzhen), status: 403, want: []string{`"forbidden"`}},
			{name: "bureau: bureau above itself", method: "POST", path: p, token: bureau, body: userBody(newPhone(), "bureau", "3308"), status: 403},
			{name: "bureau: an admin", method: "POST", path: p, token: bureau, body: userBody(newPhone(), "admin", kaihua), status: 403},
			{name: "admin: bureau elsewhere", method: "POST", path: p, token: admin, body: userBody(newPhone(), "bureau", longyou), status: 201},
			{name: "admin: national admin", method: "POST", path: p, token: admin, body: userBody(newPhone(), "admin", ""), status: 201, want: []string{`"region_code":""`}},
			{name: "duplicate phone", method: "POST", path: p, token: admin, body: userBody(taken, "township", huabu),
				status: 409, want: []string{`"conflict"`, `"field":"phone"`}},
			{name: "bad phone", method: "POST", path: p, token: admin, body: userBody("23800001111", "township", huabu), status: 422, want: []string{`"field":"phone"`}},
			{name: "short phone", method: "POST", path: p, token: admin, body: userBody("1380000111", "township", huabu), status: 422, want: []string{`"field":"phone"`}},
			{name: "short password", method: "POST", path: p, token: admin,
				body:   map[string]any{"phone": newPhone(), "password": "short", "name": "王五", "role": "township", "region_code": huabu},
				status: 422, want: []string{`"field":"password"`}},
			{name: "unknown role", method: "POST", path: p, token: admin, body: userBody(newPhone(), "mayor", huabu), status: 422, want: []string{`"field":"role"`}},
			{name: "commissioner role", method: "POST", path: p, token: admin, body: userBody(newPhone(), "commissioner", huabu), status: 422, want: []string{`"field":"role"`}},
			{name: "township user at a county", method: "POST", path: p, token: admin, body: userBody(newPhone(), "township", kaihua), status: 422, want: []string{`"field":"region_code"`}},
			{name: "bureau user at a township", method: "POST", path: p, token: admin, body: userBody(newPhone(), "bureau", huabu), status: 422, want: []string{`"field":"region_code"`}},
			{name: "unknown township", method: "POST", path: p, token: admin, body: userBody(newPhone(), "township", "330824999"), status: 422, want: []string{`"field":"region_code"`}},
			{name: "wrong type", method: "POST", path: p, token: admin, body: `{"phone": 13800001111}`, status: 422, want: []string{`"field":"phone"`}},
			{name: "not JSON", method: "POST", path: p, token: admin, body: `{`, status: 400},
		})
		// Refused requests stored nothing: the only users are the four
		// callers, the configured admin and the five created above.
		var n int64
		env.DB().Table("users").Count(&n)
		if n != 4+1+5 {
			t.Fatalf("users: %d", n)
		}
		// A created user logs in.
		login(a, "13700009001", "secret-pass-1")
	})
}
