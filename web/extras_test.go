package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// TestSecureCookieBehindTLS signs in through a proxy that terminated TLS:
// the session cookie is then Secure.
func TestSecureCookieBehindTLS(t *testing.T) {
	env := testenv.New(t, "sqlite")
	p := env.NewUser("bureau", county)
	c := newClient(t, env)
	c.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	tok := csrfField.FindStringSubmatch(c.get("/login").Body)[1]
	req, _ := http.NewRequest(http.MethodPost, env.Server.URL+"/login",
		strings.NewReader(url.Values{"csrf": {tok}, "phone": {p.User.Phone}, "password": {p.Password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-Proto", "https")
	r := c.do(req)
	secure := false
	for _, h := range r.Header.Values("Set-Cookie") {
		secure = secure || strings.HasPrefix(h, "tepai_session=") && strings.Contains(h, "Secure")
	}
	if r.Status != http.StatusSeeOther || !secure {
		t.Fatalf("behind TLS: %d, Secure session cookie %v", r.Status, secure)
	}
}

// TestLanguageSwitch switches the console to English with the header's
// form and back: the page follows, whatever the browser asks for.
func TestLanguageSwitch(t *testing.T) {
	env := testenv.New(t, "sqlite")
	p := env.NewUser("bureau", county)
	c := newClient(t, env)
	c.signIn(p.User.Phone, p.Password)
	r := c.post("/coverage?region=330824", "/lang", url.Values{"lang": {"en"}, "next": {"/coverage?region=330824"}})
	if r.URL != "/coverage?region=330824" || !strings.Contains(r.Body, "Village coverage") || !strings.Contains(r.Body, `lang="en"`) {
		t.Fatalf("after switching to English at %s:\n%.300s", r.URL, r.Body)
	}
	r = c.post("/coverage?region=330824", "/lang", url.Values{"lang": {"zh"}, "next": {"https://evil.example/"}})
	if !strings.HasPrefix(r.URL, "/coverage?region=330824&year=") || !strings.Contains(r.Body, "村级覆盖") {
		t.Fatalf("after switching back (and refusing a foreign address) at %s", r.URL)
	}
}

var assetRef = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)

// TestPagesAreLight loads each main page with its stylesheet and script
// as a browser would, compressed, and checks that the first load stays
// under 300 KB.
func TestPagesAreLight(t *testing.T) {
	env := testenv.New(t, "sqlite")
	f := newFixture(t, env)
	c := newClient(t, env)
	c.signIn(f.bureau.User.Phone, f.bureau.Password)
	plain := &http.Transport{DisableCompression: true}
	defer plain.CloseIdleConnections()
	gz := func(path string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, env.Server.URL+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := plain.RoundTrip(withCookies(c, req))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		body := raw
		if res.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(zr)
		}
		return len(raw), string(body)
	}
	for _, path := range []string{"/coverage?region=330824&year=2025", "/coverage?region=330824202&year=2025",
		"/villages/" + xifan, "/visits/" + f.firstVisit.ID, "/activity?region=330824&year=2025",
		"/services?region=330824&year=2025", "/income?region=330824&year=2025", "/report?region=330824&year=2025",
		"/evaluations/2025?region=330824", "/people?region=330824"} {
		n, body := gz(path)
		for _, m := range assetRef.FindAllStringSubmatch(body, -1) {
			k, _ := gz(strings.ReplaceAll(m[1], "&amp;", "&"))
			n += k
		}
		t.Logf("%s: %d bytes", path, n)
		if n > 300<<10 {
			t.Errorf("%s: %d bytes on first load, over 300 KB", path, n)
		}
	}
}

// withCookies adds the client's cookies to a request sent without the
// client (to see the compressed bytes as they travel).
func withCookies(c *client, req *http.Request) *http.Request {
	for _, ck := range c.c.Jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	return req
}

// TestAdminLanding signs the national admin in: with no region of its
// own it lands on the list of provinces, and picks Zhejiang (33).
func TestAdminLanding(t *testing.T) {
	env := testenv.New(t, "sqlite")
	c := newClient(t, env)
	r := c.signIn(testenv.AdminPhone, testenv.AdminPassword)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `href="/coverage?region=33"`) {
		t.Fatalf("admin landing: %d at %s", r.Status, r.URL)
	}
	if r := c.get("/coverage?region=33&year=2025"); r.Status != http.StatusOK || !strings.Contains(r.Body, "浙江省") {
		t.Fatalf("Zhejiang: %d", r.Status)
	}
}

// TestCookieReadsOnly checks that the console's cookie signs in the API's
// reads only: a write with the cookie and no token is 401, so a page of
// another site cannot make the browser change anything through the API.
func TestCookieReadsOnly(t *testing.T) {
	env := testenv.New(t, "sqlite")
	f := newFixture(t, env)
	c := newClient(t, env)
	c.signIn(f.bureau.User.Phone, f.bureau.Password)
	if r := c.get("/api/v1/me"); r.Status != http.StatusOK {
		t.Fatalf("GET with the cookie: %d", r.Status)
	}
	req, _ := http.NewRequest(http.MethodPost, env.Server.URL+"/api/v1/assignments",
		strings.NewReader(`{"commissioner_id":"`+f.a.Commissioner.ID+`","village_code":"`+fangcun+`","start_date":"2026-01-01"}`))
	req.Header.Set("Content-Type", "application/json")
	if r := c.do(req); r.Status != http.StatusUnauthorized {
		t.Fatalf("POST with the cookie only: %d", r.Status)
	}
}
