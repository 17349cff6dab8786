package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

var temporaryShown = regexp.MustCompile(`id="temporary-password">[^<]*<code>([^<]+)</code>`)

// resetFromPeople resets user id's password from the people page of
// region and returns the temporary password the page shows.
func resetFromPeople(t *testing.T, c *client, region, id string) string {
	t.Helper()
	page := "/people?region=" + region
	r := c.post(page, "/people/users/"+id+"/reset-password?region="+region, nil)
	m := temporaryShown.FindStringSubmatch(r.Body)
	if r.Status != http.StatusOK || m == nil {
		t.Fatalf("reset from the people page: %d, no temporary password shown", r.Status)
	}
	return m[1]
}

// TestResetSendsToPasswordPage resets a township user's password from a
// bureau's people page: its old password fails, the temporary one lands
// on the password page, and until it is changed every other page sends it
// back there, forms are 403 and the API refuses its cookie (but GET /me);
// after the change the temporary password fails and the new one opens
// coverage.
func TestResetSendsToPasswordPage(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		bureau := env.NewUser(models.RoleBureau, county)
		tw := env.NewUser(models.RoleTownship, zhongcun)
		b := newClient(t, env)
		b.signIn(bureau.User.Phone, bureau.Password)
		temp := resetFromPeople(t, b, county, tw.User.ID)
		if r := b.get("/people?region=" + county); strings.Contains(r.Body, temp) {
			t.Error("the temporary password is shown again on the next visit")
		}
		if r := env.Do(http.MethodGet, "/api/v1/me", tw.Token, nil); r.Status != http.StatusUnauthorized {
			t.Errorf("the reset user's access token: %d, want 401 (its logins end)", r.Status)
		}

		c := newClient(t, env)
		if r := c.signIn(tw.User.Phone, tw.Password); r.Status != http.StatusUnauthorized {
			t.Errorf("old password after reset: %d, want 401", r.Status)
		}
		r := c.signIn(tw.User.Phone, temp)
		if r.URL != "/password" || !strings.Contains(r.Body, `id="password-forced"`) {
			t.Fatalf("temporary password: landed on %s (%d), want the forced password page", r.URL, r.Status)
		}
		for _, p := range []string{"/coverage?region=" + zhongcun + "&year=2025", "/people", "/activity", "/"} {
			if r := c.get(p); r.URL != "/password" {
				t.Errorf("%s before the change: at %s, want /password", p, r.URL)
			}
		}
		if r := c.post("/password", "/people/assignments?region="+zhongcun, url.Values{"village": {xifan}}); r.Status != http.StatusForbidden {
			t.Errorf("a form before the change: %d, want 403", r.Status)
		}
		if r := c.get("/api/v1/stats/coverage?region=" + zhongcun + "&year=2025"); r.Status != http.StatusForbidden {
			t.Errorf("API coverage with the cookie before the change: %d, want 403", r.Status)
		}
		if r := c.get("/api/v1/me"); r.Status != http.StatusOK || !strings.Contains(r.Body, `"must_change_password":true`) {
			t.Errorf("API /me with the cookie before the change: %d %s", r.Status, r.Body)
		}

		// Refused changes, each with its message: two different new
		// passwords, one of 7 characters, a wrong current password.
		refused := []struct {
			form url.Values
			want string
		}{
			{url.Values{"current_password": {temp}, "new_password": {"tea-garden-9"}, "confirm_password": {"tea-garden-8"}}, "两次输入的新密码不一致"},
			{url.Values{"current_password": {temp}, "new_password": {"short-7"}, "confirm_password": {"short-7"}}, "密码须为 8 到 72 个字符"},
			{url.Values{"current_password": {"not-the-temp"}, "new_password": {"tea-garden-9"}, "confirm_password": {"tea-garden-9"}}, "当前密码错误"},
		}
		for _, x := range refused {
			r := c.post("/password", "/password", x.form)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, x.want) {
				t.Errorf("refused change: %d, want 422 with %q", r.Status, x.want)
			}
		}
		r = c.post("/password", "/password", url.Values{"current_password": {temp}, "new_password": {"tea-garden-9"}, "confirm_password": {"tea-garden-9"}})
		if r.Status != http.StatusOK || !strings.HasPrefix(r.URL, "/coverage?region="+zhongcun+"&year=") {
			t.Fatalf("after the change: %d at %s, want coverage of 中村乡", r.Status, r.URL)
		}
		if r := c.get("/coverage?region=" + zhongcun + "&year=2025"); r.Status != http.StatusOK || r.URL == "/password" {
			t.Errorf("coverage after the change: %d at %s", r.Status, r.URL)
		}
		fresh := newClient(t, env)
		if r := fresh.signIn(tw.User.Phone, temp); r.Status != http.StatusUnauthorized {
			t.Errorf("temporary password after the change: %d, want 401", r.Status)
		}
		if r := fresh.signIn(tw.User.Phone, "tea-garden-9"); r.Status != http.StatusOK || !strings.HasPrefix(r.URL, "/coverage?") {
			t.Errorf("new password: %d at %s, want coverage", r.Status, r.URL)
		}
	})
}

// TestTemporaryPasswordFormsRefused: a bureau whose password an admin
// reset through the API signs into the console with the temporary
// password; its form disabling a township user is 403 and the township
// user's login stays alive.
func TestTemporaryPasswordFormsRefused(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		admin := env.NewUser(models.RoleAdmin, "")
		bureau := env.NewUser(models.RoleBureau, county)
		tw := env.NewUser(models.RoleTownship, zhongcun)
		var reset struct {
			TemporaryPassword string `json:"temporary_password"`
		}
		env.Do(http.MethodPost, "/api/v1/users/"+bureau.User.ID+"/reset-password", admin.Token, nil).Decode(t, &reset)
		c := newClient(t, env)
		if r := c.signIn(bureau.User.Phone, reset.TemporaryPassword); r.URL != "/password" {
			t.Fatalf("temporary password: at %s, want /password", r.URL)
		}
		if r := c.post("/password", "/people/users/"+tw.User.ID+"/disable?region="+county, nil); r.Status != http.StatusForbidden {
			t.Errorf("disable before the change: %d, want 403", r.Status)
		}
		if r := env.Do(http.MethodGet, "/api/v1/me", tw.Token, nil); r.Status != http.StatusOK {
			t.Errorf("township user after the refused form: %d, want its login alive", r.Status)
		}
	})
}

// TestDisableFromPeopleEndsSession disables a signed-in township user
// from the bureau's people page: its next console page goes to sign-in,
// its cookie no longer reads the API, and signing in shows that the
// account is disabled; enabling lets it sign in again.
func TestDisableFromPeopleEndsSession(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		bureau := env.NewUser(models.RoleBureau, county)
		tw := env.NewUser(models.RoleTownship, zhongcun)
		c := newClient(t, env)
		if r := c.signIn(tw.User.Phone, tw.Password); r.Status != http.StatusOK {
			t.Fatalf("sign in: %d", r.Status)
		}
		b := newClient(t, env)
		b.signIn(bureau.User.Phone, bureau.Password)
		page := "/people?region=" + county
		if r := b.get(page); !strings.Contains(r.Body, `action="/people/users/`+tw.User.ID+`/disable?`) {
			t.Fatal("no disable form for the township user")
		}
		if r := b.get(page); strings.Contains(r.Body, `action="/people/users/`+bureau.User.ID+`/disable?`) {
			t.Error("a disable form for the bureau user itself")
		}
		r := b.post(page, "/people/users/"+tw.User.ID+"/disable?region="+county, nil)
		if r.Status != http.StatusOK || !strings.HasPrefix(r.URL, "/people?") {
			t.Fatalf("disable: %d at %s", r.Status, r.URL)
		}
		row := r.Body[strings.Index(r.Body, `data-code="`+tw.User.ID+`"`):]
		if row = row[:strings.Index(row, "</tr>")]; !strings.Contains(row, "已停用") {
			t.Errorf("the user's row does not say 已停用: %s", row)
		}
		if r := c.get("/coverage?region=" + zhongcun + "&year=2025"); !strings.HasPrefix(r.URL, "/login") {
			t.Errorf("disabled user's console page: at %s, want the sign-in form", r.URL)
		}
		if r := c.get("/api/v1/me"); r.Status != http.StatusUnauthorized {
			t.Errorf("disabled user's cookie on the API: %d, want 401", r.Status)
		}
		r = c.signIn(tw.User.Phone, tw.Password)
		if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "账号已停用，请联系管理员") {
			t.Errorf("disabled user's sign-in: %d, want 403 with 账号已停用", r.Status)
		}
		b.post(page, "/people/users/"+tw.User.ID+"/enable?region="+county, nil)
		if r := c.signIn(tw.User.Phone, tw.Password); r.Status != http.StatusOK || !strings.HasPrefix(r.URL, "/coverage?") {
			t.Errorf("enabled user's sign-in: %d at %s", r.Status, r.URL)
		}
	})
}

// TestResetOutsideSubtree: a bureau of 开化县 resetting or disabling a user
// of 常山县 (330822) gets 404 and changes nothing; a township user gets
// 403 for one of its own township.
func TestResetOutsideSubtree(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		bureau := env.NewUser(models.RoleBureau, county)
		other := env.NewUser(models.RoleTownship, "330822101")
		tw := env.NewUser(models.RoleTownship, zhongcun)
		a := env.NewUser(models.RoleCommissioner, zhongcun)
		b := newClient(t, env)
		b.signIn(bureau.User.Phone, bureau.Password)
		for _, action := range []string{"reset-password", "disable"} {
			if r := b.post("/people?region="+county, "/people/users/"+other.User.ID+"/"+action+"?region="+county, nil); r.Status != http.StatusNotFound {
				t.Errorf("%s outside the subtree: %d, want 404", action, r.Status)
			}
		}
		if r := env.Do(http.MethodGet, "/api/v1/me", other.Token, nil); r.Status != http.StatusOK {
			t.Errorf("the other county's user after the refused actions: %d, want its login alive", r.Status)
		}
		c := newClient(t, env)
		c.signIn(tw.User.Phone, tw.Password)
		if r := c.post("/people?region="+zhongcun, "/people/users/"+a.User.ID+"/reset-password?region="+zhongcun, nil); r.Status != http.StatusForbidden {
			t.Errorf("township user resetting: %d, want 403", r.Status)
		}
		if r := c.get("/people?region=" + zhongcun); strings.Contains(r.Body, "/reset-password") {
			t.Error("a township user's people page offers a reset")
		}
	})
}

// TestPeopleSearch narrows the people page's users of 开化县 by q (name or
// phone), role and region, as GET /api/v1/users does: the fixture's users
// are named role-region, so q "commissioner" finds A and B, role
// township finds the township user of 中村乡 only, region 长虹乡 finds B
// only, and B's phone finds B.
func TestPeopleSearch(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		bureau := env.NewUser(models.RoleBureau, county)
		tw := env.NewUser(models.RoleTownship, zhongcun)
		a := env.NewUser(models.RoleCommissioner, zhongcun)
		b := env.NewUser(models.RoleCommissioner, changhong)
		c := newClient(t, env)
		c.signIn(bureau.User.Phone, bureau.Password)
		all := []string{bureau.User.ID, tw.User.ID, a.User.ID, b.User.ID}
		for query, want := range map[string][]string{
			"region=" + county:                        all,
			"region=" + county + "&q=commissioner":    {a.User.ID, b.User.ID},
			"region=" + county + "&role=township":     {tw.User.ID},
			"region=" + changhong:                     {b.User.ID},
			"region=" + county + "&q=" + b.User.Phone: {b.User.ID},
			"region=" + county + "&q=%25&role=bureau": {},
		} {
			r := c.get("/people?" + query)
			if r.Status != http.StatusOK {
				t.Errorf("%s: %d", query, r.Status)
				continue
			}
			users := r.Body[strings.Index(r.Body, `id="users"`):]
			users = users[:strings.Index(users, "</table>")]
			for _, id := range all {
				listed, wanted := strings.Contains(users, `data-code="`+id+`"`), false
				for _, w := range want {
					wanted = wanted || w == id
				}
				if listed != wanted {
					t.Errorf("%s: user %s listed %v, want %v", query, id, listed, wanted)
				}
			}
		}
		if r := c.get("/people?region=" + county + "&role=farmer"); r.Status != http.StatusBadRequest {
			t.Errorf("unknown role: %d, want 400", r.Status)
		}
	})
}

// TestChangePasswordPage changes a signed-in bureau user's password on
// the password page: it stays signed in, its other console login and its
// API token end, and only the new password signs in.
func TestChangePasswordPage(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		p := env.NewUser(models.RoleBureau, county)
		c, other := newClient(t, env), newClient(t, env)
		c.signIn(p.User.Phone, p.Password)
		other.signIn(p.User.Phone, p.Password)
		r := c.post("/password", "/password", url.Values{"current_password": {p.Password}, "new_password": {"县局新密码2026"}, "confirm_password": {"县局新密码2026"}})
		if r.Status != http.StatusOK || r.URL != "/password?done=1" || !strings.Contains(r.Body, `id="password-done"`) {
			t.Fatalf("change: %d at %s", r.Status, r.URL)
		}
		if r := c.get("/coverage?region=" + county + "&year=2025"); r.Status != http.StatusOK || strings.HasPrefix(r.URL, "/login") {
			t.Errorf("the changing login: %d at %s, want it to stay signed in", r.Status, r.URL)
		}
		if r := other.get("/coverage?region=" + county + "&year=2025"); !strings.HasPrefix(r.URL, "/login") {
			t.Errorf("the other console login: at %s, want the sign-in form", r.URL)
		}
		if r := env.Do(http.MethodGet, "/api/v1/me", p.Token, nil); r.Status != http.StatusUnauthorized {
			t.Errorf("the API token of another login: %d, want 401", r.Status)
		}
		if r := newClient(t, env).signIn(p.User.Phone, p.Password); r.Status != http.StatusUnauthorized {
			t.Errorf("old password: %d, want 401", r.Status)
		}
		if r := newClient(t, env).signIn(p.User.Phone, "县局新密码2026"); r.Status != http.StatusOK {
			t.Errorf("new password: %d, want 200", r.Status)
		}
	})
}
