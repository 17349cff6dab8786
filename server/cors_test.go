package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tepai/tepai/config"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// webApp is the browser origin the CORS tests' servers allow.
const webApp = "https://app.example.cn"

// corsBackends runs fn on each backend with a server that allows webApp
// and one origin on a port.
func corsBackends(t *testing.T, fn func(t *testing.T, env *testenv.Env)) {
	testenv.BackendsWith(t, func(cfg *config.Config) {
		cfg.CORSOrigins = " https://app.example.cn , http://127.0.0.1:8081"
	}, fn)
}

// TestCORSPreflight sends the preflights a browser sends before a JSON
// request with a token and before a tus upload: an allowed origin gets the
// methods and headers it asked for, another origin gets 403 and no
// Access-Control-Allow-Origin, and neither needs a token.
func TestCORSPreflight(t *testing.T) {
	corsBackends(t, func(t *testing.T, env *testenv.Env) {
		cases := []struct {
			path, origin, method, headers string
			status                        int
			allowed                       bool
		}{
			{"/api/v1/visits", webApp, "POST", "authorization,content-type", http.StatusNoContent, true},
			{"/api/v1/visits/6c8e0a2c-4e6a-4c8e-9a1c-7e9a1c3e5a7c", webApp, "PATCH", "authorization,content-type,if-match", http.StatusNoContent, true},
			{"/api/v1/uploads", webApp, "POST", "authorization,tus-resumable,upload-length,upload-metadata", http.StatusNoContent, true},
			{"/api/v1/uploads/0123456789abcdef0123456789abcdef", "http://127.0.0.1:8081", "PATCH", "authorization,tus-resumable,upload-offset,content-type", http.StatusNoContent, true},
			{"/api/v1/visits", "https://evil.example.com", "POST", "authorization,content-type", http.StatusForbidden, false},
			{"/api/v1/visits", "https://app.example.cn.evil.example.com", "GET", "authorization", http.StatusForbidden, false},
			{"/api/v1/uploads", "http://app.example.cn", "POST", "tus-resumable", http.StatusForbidden, false},
		}
		for _, c := range cases {
			r := env.Do("OPTIONS", c.path, "", nil, "Origin", c.origin,
				"Access-Control-Request-Method", c.method, "Access-Control-Request-Headers", c.headers)
			acao := r.Header.Get("Access-Control-Allow-Origin")
			if r.Status != c.status {
				t.Errorf("%s from %s: %d %s, want %d", c.path, c.origin, r.Status, r.Body, c.status)
			}
			if !c.allowed {
				if acao != "" || r.ErrorCode() != "forbidden" {
					t.Errorf("%s from refused %s: Access-Control-Allow-Origin %q, body %s", c.path, c.origin, acao, r.Body)
				}
				continue
			}
			if acao != c.origin {
				t.Errorf("%s from %s: Access-Control-Allow-Origin %q", c.path, c.origin, acao)
			}
			if !testenv.ListHas(r.Header.Get("Access-Control-Allow-Methods"), c.method) {
				t.Errorf("%s: methods %q lack %s", c.path, r.Header.Get("Access-Control-Allow-Methods"), c.method)
			}
			for _, h := range strings.Split(c.headers, ",") {
				if !testenv.ListHas(r.Header.Get("Access-Control-Allow-Headers"), h) {
					t.Errorf("%s: allowed headers %q lack %s", c.path, r.Header.Get("Access-Control-Allow-Headers"), h)
				}
			}
			if !testenv.ListHas(strings.Join(r.Header.Values("Vary"), ","), "Origin") {
				t.Errorf("%s: Vary %q lacks Origin", c.path, r.Header.Values("Vary"))
			}
		}
	})
}

// TestCORSResponses checks the headers of actual requests: an allowed
// origin may read the answer and its ETag, another origin gets no CORS
// header (the browser hides the answer), and a server without
// TEPAI_CORS_ORIGINS sends none at all.
func TestCORSResponses(t *testing.T) {
	corsBackends(t, func(t *testing.T, env *testenv.Env) {
		alice := env.NewUser(models.RoleCommissioner, "330824115")
		r := env.Do("GET", "/api/v1/me", alice.Token, nil, "Origin", webApp)
		if r.Status != http.StatusOK || r.Header.Get("Access-Control-Allow-Origin") != webApp {
			t.Fatalf("allowed origin: %d %q", r.Status, r.Header.Get("Access-Control-Allow-Origin"))
		}
		for _, h := range []string{"ETag", "Location", "Upload-Offset", "Upload-Length", "Tus-Resumable", "Tus-Version", "Tus-Extension", "Tus-Max-Size", "Upload-Metadata", "Photo-Id"} {
			if !testenv.ListHas(r.Header.Get("Access-Control-Expose-Headers"), h) {
				t.Errorf("exposed headers %q lack %s", r.Header.Get("Access-Control-Expose-Headers"), h)
			}
		}
		// An error answer is readable too, so the page can show it.
		r = env.Do("GET", "/api/v1/me", "", nil, "Origin", webApp)
		if r.Status != http.StatusUnauthorized || r.Header.Get("Access-Control-Allow-Origin") != webApp {
			t.Fatalf("401 to allowed origin: %d %q", r.Status, r.Header.Get("Access-Control-Allow-Origin"))
		}
		r = env.Do("GET", "/api/v1/me", alice.Token, nil, "Origin", "https://evil.example.com")
		if r.Status != http.StatusOK || r.Header.Get("Access-Control-Allow-Origin") != "" || r.Header.Get("Access-Control-Expose-Headers") != "" {
			t.Fatalf("refused origin: %d %v", r.Status, r.Header)
		}
	})
	plain := testenv.New(t, "sqlite")
	r := plain.Do("OPTIONS", "/api/v1/visits", "", nil, "Origin", webApp, "Access-Control-Request-Method", "POST")
	if r.Header.Get("Access-Control-Allow-Origin") != "" || r.Header.Get("Access-Control-Allow-Methods") != "" {
		t.Fatalf("no origins configured, preflight answered %d %v", r.Status, r.Header)
	}
	r = plain.Do("GET", "/healthz", "", nil, "Origin", webApp)
	if r.Status != http.StatusOK || r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("no origins configured: %d %v", r.Status, r.Header)
	}
}
