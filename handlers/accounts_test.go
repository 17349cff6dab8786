package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// auditActions lists the actions of a user's audit trail, oldest first.
func auditActions(a *peopleAPI, token, userID string) []string {
	a.t.Helper()
	list := a.expect(http.StatusOK, "GET", "/api/v1/audit?type=user&id="+userID, token, nil)
	var out []string
	for _, it := range list["items"].([]any) {
		out = append(out, it.(map[string]any)["action"].(string))
	}
	return out
}

func TestChangePassword(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		a := newPeopleAPI(t, env)
		u := env.NewUser("bureau", kaihua)
		one, two := login(a, u.User.Phone, u.Password), login(a, u.User.Phone, u.Password)
		access := one["access_token"].(string)
		p := "/api/v1/me/password"
		body := func(cur, next string) map[string]any {
			return map[string]any{"current_password": cur, "new_password": next}
		}
		a.run([]peopleCase{
			{name: "unauthenticated", method: "POST", path: p, body: body(u.Password, "a-new-password-1"), status: 401},
			{name: "wrong current password", method: "POST", path: p, token: access, body: body("not-my-password", "a-new-password-1"),
				status: 422, want: []string{`"field":"current_password"`, "当前密码错误"}},
			{name: "too short: the rule is stated", method: "POST", path: p, token: access, body: body(u.Password, "short"),
				status: 422, want: []string{`"field":"new_password"`, "密码须为 8 到 72 个字符（按 UTF-8 字节计，一个汉字计 3 个），且不能与手机号相同"}},
			{name: "the phone number", method: "POST", path: p, token: access, body: body(u.Password, u.User.Phone), status: 422, want: []string{`"field":"new_password"`}},
			{name: "same as current", method: "POST", path: p, token: access, body: body(u.Password, u.Password),
				status: 422, want: []string{`"field":"new_password"`, "新密码不能与当前密码相同"}},
			{name: "missing fields", method: "POST", path: p, token: access, body: map[string]any{}, status: 422,
				want: []string{`"field":"current_password"`, `"field":"new_password"`}},
		})
		r := a.call("POST", p, access, body(u.Password, "x"), "Accept-Language", "en")
		if !strings.Contains(string(r.Body), "a password must have 8 to 72 characters (UTF-8 bytes: a Chinese character counts 3) and must not be the phone number") {
			t.Errorf("English rule: %s", r.Body)
		}
		a.expect(http.StatusNoContent, "POST", p, access, body(u.Password, "a-new-password-1"))
		// This login goes on; the two others are revoked, refresh included.
		a.expect(http.StatusOK, "GET", "/api/v1/me", access, nil)
		a.expect(http.StatusUnauthorized, "GET", "/api/v1/me", two["access_token"].(string), nil)
		a.expect(http.StatusUnauthorized, "GET", "/api/v1/me", u.Token, nil)
		a.expect(http.StatusUnauthorized, "POST", "/api/v1/auth/refresh", "", map[string]any{"refresh_token": two["refresh_token"]})
		a.expect(http.StatusOK, "POST", "/api/v1/auth/refresh", "", map[string]any{"refresh_token": one["refresh_token"]})
		// The old password is refused, the new one works.
		a.expect(http.StatusUnauthorized, "POST", "/api/v1/auth/login", "", map[string]string{"phone": u.User.Phone, "password": u.Password})
		login(a, u.User.Phone, "a-new-password-1")
		if got := auditActions(a, env.Admin(), u.User.ID); strings.Join(got, ",") != "change_password" {
			t.Fatalf("audit: %v", got)
		}
	})
}

func TestResetPassword(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		env.ImportRegions(longyou)
		a := newPeopleAPI(t, env)
		bureau := env.NewUser("bureau", kaihua)
		township := env.NewUser("township", huabu)
		other := env.NewUser("township", huzhen)
		commissioner := env.NewUser("commissioner", kaihua)
		admin := env.NewUser("admin", "")
		path := func(id string) string { return "/api/v1/users/" + id + "/reset-password" }
		a.run([]peopleCase{
			{name: "unauthenticated", method: "POST", path: path(township.User.ID), status: 401},
			{name: "township caller", method: "POST", path: path(township.User.ID), token: township.Token, status: 403},
			{name: "commissioner caller", method: "POST", path: path(township.User.ID), token: commissioner.Token, status: 403},
			{name: "bureau: user outside its county", method: "POST", path: path(other.User.ID), token: bureau.Token, status: 404},
			{name: "bureau: a national admin", method: "POST", path: path(admin.User.ID), token: bureau.Token, status: 404},
			{name: "unknown user", method: "POST", path: path("00000000-0000-4000-8000-000000000000"), token: admin.Token, status: 404},
		})
		// The bureau resets its township user, naming it in upper case.
		before := login(a, township.User.Phone, township.Password)
		tmp := a.expect(http.StatusOK, "POST", path(strings.ToUpper(township.User.ID)), bureau.Token, nil)["temporary_password"].(string)
		if len(tmp) != 12 || tmp == township.Password {
			t.Fatalf("temporary password %q", tmp)
		}
		// Its logins are revoked at once.
		a.expect(http.StatusUnauthorized, "GET", "/api/v1/me", township.Token, nil)
		a.expect(http.StatusUnauthorized, "POST", "/api/v1/auth/refresh", "", map[string]any{"refresh_token": before["refresh_token"]})
		a.expect(http.StatusUnauthorized, "POST", "/api/v1/auth/login", "", map[string]string{"phone": township.User.Phone, "password": township.Password})
		// The temporary password signs in, for /me and the change only.
		forced := login(a, township.User.Phone, tmp)
		if forced["must_change_password"] != true {
			t.Fatalf("login after reset: %v", forced)
		}
		tk := forced["access_token"].(string)
		if me := a.expect(http.StatusOK, "GET", "/api/v1/me", tk, nil); me["must_change_password"] != true {
			t.Fatalf("me: %v", me)
		}
		a.run([]peopleCase{
			{name: "forced: a region", method: "GET", path: "/api/v1/regions/" + huabu, token: tk, status: 403, want: []string{"请先修改临时密码"}},
			{name: "forced: visits", method: "GET", path: "/api/v1/visits", token: tk, status: 403},
			{name: "forced: users", method: "GET", path: "/api/v1/users", token: tk, status: 403},
		})
		refreshed := a.expect(http.StatusOK, "POST", "/api/v1/auth/refresh", "", map[string]any{"refresh_token": forced["refresh_token"]})
		if refreshed["must_change_password"] != true {
			t.Fatalf("refresh keeps the restriction: %v", refreshed)
		}
		a.expect(http.StatusNoContent, "POST", "/api/v1/me/password", tk, map[string]any{"current_password": tmp, "new_password": "my-own-password-9"})
		// The same login now reaches everything in its scope.
		a.expect(http.StatusOK, "GET", "/api/v1/regions/"+huabu, tk, nil)
		if again := login(a, township.User.Phone, "my-own-password-9"); again["must_change_password"] != false {
			t.Fatalf("login after the change: %v", again)
		}
		// An admin resets anyone, and each reset is audited.
		a.expect(http.StatusOK, "POST", path(other.User.ID), admin.Token, nil)
		if got := auditActions(a, bureau.Token, township.User.ID); strings.Join(got, ",") != "reset_password,change_password" {
			t.Fatalf("audit: %v", got)
		}
	})
}

func TestDisableUser(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		env.ImportRegions(longyou)
		a := newPeopleAPI(t, env)
		bureau := env.NewUser("bureau", kaihua)
		township := env.NewUser("township", huabu)
		commissioner := env.NewUser("commissioner", kaihua)
		other := env.NewUser("bureau", longyou)
		session := login(a, commissioner.User.Phone, commissioner.Password)
		p := func(id, what string) string { return "/api/v1/users/" + id + "/" + what }
		a.run([]peopleCase{
			{name: "township caller", method: "POST", path: p(commissioner.User.ID, "disable"), token: township.Token, status: 403},
			{name: "outside scope", method: "POST", path: p(other.User.ID, "disable"), token: bureau.Token, status: 404},
			{name: "itself", method: "POST", path: p(bureau.User.ID, "disable"), token: bureau.Token, status: 409},
		})
		a.expect(http.StatusOK, "GET", "/api/v1/me", session["access_token"].(string), nil)
		off := a.expect(http.StatusOK, "POST", p(commissioner.User.ID, "disable"), bureau.Token, nil)
		if off["active"] != false || off["version"] != float64(2) {
			t.Fatalf("disabled: %v", off)
		}
		// Mid-session: the next request with its access token and its
		// refresh are both refused at once.
		a.expect(http.StatusUnauthorized, "GET", "/api/v1/me", session["access_token"].(string), nil)
		a.expect(http.StatusUnauthorized, "GET", "/api/v1/me", commissioner.Token, nil)
		a.expect(http.StatusUnauthorized, "POST", "/api/v1/auth/refresh", "", map[string]any{"refresh_token": session["refresh_token"]})
		// The right password is told the account is disabled; a wrong one
		// learns nothing more than before.
		r := a.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": commissioner.User.Phone, "password": commissioner.Password})
		if r.Status != http.StatusForbidden || !strings.Contains(string(r.Body), "账号已停用") {
			t.Fatalf("disabled login: %d %s", r.Status, r.Body)
		}
		a.expect(http.StatusUnauthorized, "POST", "/api/v1/auth/login", "", map[string]string{"phone": commissioner.User.Phone, "password": "wrong-password"})
		// Disabling again changes nothing.
		if again := a.expect(http.StatusOK, "POST", p(commissioner.User.ID, "disable"), bureau.Token, nil); again["version"] != float64(2) {
			t.Fatalf("disable twice: %v", again)
		}
		on := a.expect(http.StatusOK, "POST", p(commissioner.User.ID, "enable"), bureau.Token, nil)
		if on["active"] != true || on["version"] != float64(3) {
			t.Fatalf("enabled: %v", on)
		}
		// Enabled again, it logs in; the revoked login stays revoked.
		fresh := login(a, commissioner.User.Phone, commissioner.Password)
		a.expect(http.StatusOK, "GET", "/api/v1/me", fresh["access_token"].(string), nil)
		a.expect(http.StatusUnauthorized, "POST", "/api/v1/auth/refresh", "", map[string]any{"refresh_token": session["refresh_token"]})
		if got := auditActions(a, bureau.Token, commissioner.User.ID); strings.Join(got, ",") != "disable,enable" {
			t.Fatalf("audit: %v", got)
		}
	})
}

func TestListUsers(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		env.ImportRegions(longyou)
		a := newPeopleAPI(t, env)
		bureau := env.NewUser("bureau", kaihua)
		hb := env.NewUser("township", huabu)
		tc := env.NewUser("township", tongcun)
		cm := env.NewUser("commissioner", kaihua)
		ly := env.NewUser("bureau", longyou)
		hz := env.NewUser("township", huzhen)
		admin := env.Admin() // a national admin, region ""
		list := func(token, query string) []string {
			return peopleIDs(a.expect(http.StatusOK, "GET", "/api/v1/users"+query, token, nil))
		}
		cases := []struct {
			name, token, query string
			want               []string
		}{
			{"bureau: its county", bureau.Token, "", []string{bureau.User.ID, hb.User.ID, tc.User.ID, cm.User.ID}},
			{"bureau: townships", bureau.Token, "?role=township", []string{hb.User.ID, tc.User.ID}},
			{"bureau: one township", bureau.Token, "?region=" + huabu, []string{hb.User.ID}},
			{"bureau: another county is empty", bureau.Token, "?region=" + longyou, nil},
			{"bureau: q on the name", bureau.Token, "?q=township-330824106", []string{tc.User.ID}},
			{"bureau: q on the phone", bureau.Token, "?q=" + cm.User.Phone[3:], []string{cm.User.ID}},
			{"bureau: q is not a pattern", bureau.Token, "?q=%25", nil},
			{"township: its township", hb.Token, "", []string{hb.User.ID}},
			{"commissioner: itself", cm.Token, "", []string{cm.User.ID}},
			{"admin: another county", admin, "?region=" + longyou, []string{ly.User.ID, hz.User.ID}},
		}
		for _, c := range cases {
			if got := list(c.token, c.query); !peopleSameSet(got, c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}
		// Pages of two: two pages, the same four users.
		first := a.expect(http.StatusOK, "GET", "/api/v1/users?limit=2", bureau.Token, nil)
		second := a.expect(http.StatusOK, "GET", "/api/v1/users?limit=2&cursor="+first["next_cursor"].(string), bureau.Token, nil)
		if got := append(peopleIDs(first), peopleIDs(second)...); !peopleSameSet(got, cases[0].want) || second["next_cursor"] != nil {
			t.Errorf("pages: %v then %v", first, second)
		}
		a.run([]peopleCase{
			{name: "unauthenticated", method: "GET", path: "/api/v1/users", status: 401},
			{name: "unknown role", method: "GET", path: "/api/v1/users?role=mayor", token: bureau.Token, status: 400},
			{name: "bad region", method: "GET", path: "/api/v1/users?region=abc", token: bureau.Token, status: 400},
			{name: "one in scope, upper-case id", method: "GET", path: "/api/v1/users/" + strings.ToUpper(hb.User.ID), token: bureau.Token, status: 200,
				want: []string{`"id":"` + hb.User.ID + `"`, `"active":true`, `"must_change_password":false`}, notWant: []string{"password_hash"}},
			{name: "one outside scope", method: "GET", path: "/api/v1/users/" + ly.User.ID, token: bureau.Token, status: 404},
			{name: "township: a user of another township", method: "GET", path: "/api/v1/users/" + tc.User.ID, token: hb.Token, status: 404},
		})
	})
}
