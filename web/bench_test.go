package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// BenchmarkPages times the server side of the console's heaviest pages
// (request to last byte on loopback) on the test fixture, per backend:
//
//	go test ./web -run '^$' -bench Pages
func BenchmarkPages(b *testing.B) {
	backends := []string{"sqlite"}
	if testenv.MySQLAvailable() {
		backends = append(backends, "mysql")
	}
	for _, backend := range backends {
		env := testenv.New(b, backend)
		f := newFixture(b, env)
		hc := signedIn(b, env, f.bureau.User.Phone, f.bureau.Password)
		for _, pg := range []struct{ name, path string }{
			{"coverage-county", "/coverage?region=330824&year=2025"},
			{"coverage-township", "/coverage?region=330824202&year=2025"},
			{"activity-county", "/activity?region=330824&year=2025"},
			{"report-county", "/report?region=330824&year=2025"},
			{"report-township", "/report?region=330824202&year=2025"},
		} {
			b.Run(backend+"/"+pg.name, func(b *testing.B) {
				for b.Loop() {
					res, err := hc.Get(env.Server.URL + pg.path)
					if err != nil {
						b.Fatal(err)
					}
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusOK {
						b.Fatalf("%s: %d", pg.path, res.StatusCode)
					}
				}
			})
		}
	}
}

var benchCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signedIn returns an HTTP client signed in to the console.
func signedIn(b testing.TB, env *testenv.Env, phone, password string) *http.Client {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	res, err := hc.Get(env.Server.URL + "/login")
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	form := url.Values{"csrf": {benchCSRF.FindStringSubmatch(string(body))[1]}, "phone": {phone}, "password": {password}}
	res, err = hc.Post(env.Server.URL+"/login", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil || res.StatusCode != http.StatusOK {
		b.Fatalf("sign in: %v", err)
	}
	res.Body.Close()
	return hc
}
