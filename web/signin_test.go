package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// TestSignInAndOut signs a bureau user in and out with the form and checks
// the cookie, the landing page, the wrong password's message in both
// languages and that signing out ends the login for the API too.
func TestSignInAndOut(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		p := env.NewUser(models.RoleBureau, "330824")
		c := newClient(t, env)

		if r := c.get("/coverage"); r.URL != "/login?next=%2Fcoverage" || r.Status != http.StatusOK {
			t.Fatalf("signed out: got %d at %s, want the sign-in form", r.Status, r.URL)
		}
		r := c.signIn(p.User.Phone, "wrong-password")
		if r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, "手机号或密码错误") {
			t.Fatalf("wrong password: %d, body without the message:\n%s", r.Status, r.Body)
		}
		en := newClient(t, env)
		req, _ := http.NewRequest(http.MethodGet, env.Server.URL+"/login", nil)
		req.Header.Set("Accept-Language", "en-US,en;q=0.9")
		form := en.do(req)
		tok := csrfField.FindStringSubmatch(form.Body)[1]
		req, _ = http.NewRequest(http.MethodPost, env.Server.URL+"/login",
			strings.NewReader(url.Values{"csrf": {tok}, "phone": {p.User.Phone}, "password": {"nope"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept-Language", "en")
		if r := en.do(req); !strings.Contains(r.Body, "wrong phone or password") {
			t.Fatalf("English message missing:\n%s", r.Body)
		}

		r = c.signIn(p.User.Phone, p.Password)
		if r.Status != http.StatusOK || !strings.HasPrefix(r.URL, "/coverage?region=330824&year=") {
			t.Fatalf("signed in: got %d at %s, want coverage of 330824", r.Status, r.URL)
		}
		u, _ := url.Parse(env.Server.URL)
		var session *http.Cookie
		for _, ck := range c.c.Jar.Cookies(u) {
			if ck.Name == "tepai_session" {
				session = ck
			}
		}
		if session == nil {
			t.Fatal("no session cookie")
		}
		if api := env.Do(http.MethodGet, "/api/v1/me", p.Token, nil); api.Status != http.StatusOK {
			t.Fatalf("the API token should still work: %d", api.Status)
		}

		r = c.post("/coverage", "/logout", nil)
		if r.URL != "/login" {
			t.Fatalf("after sign-out at %s, want /login", r.URL)
		}
		if r := c.get("/coverage"); !strings.HasPrefix(r.URL, "/login") {
			t.Fatalf("signed out, /coverage answered at %s", r.URL)
		}
		// The old cookie is dead for the API's downloads too.
		req, _ = http.NewRequest(http.MethodGet, env.Server.URL+"/api/v1/stats/coverage?region=330824&format=csv", nil)
		req.AddCookie(session)
		if r := newClient(t, env).do(req); r.Status != http.StatusUnauthorized {
			t.Fatalf("revoked cookie on the API: %d", r.Status)
		}
	})
}

// TestCookieAttributes checks the session cookie's flags on the sign-in
// answer itself.
func TestCookieAttributes(t *testing.T) {
	env := testenv.New(t, "sqlite")
	p := env.NewUser(models.RoleTownship, "330824202")
	c := newClient(t, env)
	c.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	r := c.signIn(p.User.Phone, p.Password)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", r.Status)
	}
	var set string
	for _, h := range r.Header.Values("Set-Cookie") {
		if strings.HasPrefix(h, "tepai_session=") {
			set = h
		}
	}
	for _, want := range []string{"HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(set, want) {
			t.Errorf("session cookie %q lacks %s", set, want)
		}
	}
	if strings.Contains(set, "Secure") {
		t.Errorf("plain HTTP must not mark the cookie Secure: %q", set)
	}
	if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "/coverage?region=330824202&year=") {
		t.Errorf("a township user lands at %q, want its township's coverage", loc)
	}
}

// TestFormsNeedToken posts forms without the anti-forgery token: refused,
// and nothing changes (the login stays).
func TestFormsNeedToken(t *testing.T) {
	env := testenv.New(t, "sqlite")
	p := env.NewUser(models.RoleBureau, "330824")
	c := newClient(t, env)
	r := c.post("/login", "/login", url.Values{"csrf": {"forged"}, "phone": {p.User.Phone}, "password": {p.Password}})
	if r.Status != http.StatusForbidden {
		t.Fatalf("sign-in without the token: %d", r.Status)
	}
	c.signIn(p.User.Phone, p.Password)
	if r := c.post("/coverage", "/logout", url.Values{"csrf": {"forged"}}); r.Status != http.StatusForbidden {
		t.Fatalf("sign-out with a forged token: %d", r.Status)
	}
	if r := c.get("/coverage"); !strings.HasPrefix(r.URL, "/coverage") {
		t.Fatalf("the login should have survived a forged sign-out; at %s", r.URL)
	}
}
