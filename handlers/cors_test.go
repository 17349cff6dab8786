package handlers_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/tepai/tepai/config"
	"github.com/tepai/tepai/internal/phototest"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// webApp is the browser origin the CORS tests' servers allow.
const webApp = "https://app.example.cn"

// corsBackends runs fn on each backend with a server that allows webApp.
func corsBackends(t *testing.T, fn func(t *testing.T, env *testenv.Env)) {
	testenv.BackendsWith(t, func(cfg *config.Config) {
		cfg.MaxPhotoBytes = photoLimit
		cfg.CORSOrigins = " https://app.example.cn , http://127.0.0.1:8081"
	}, fn)
}

// TestTusAcrossOrigins uploads a photo as tus-js-client does from a page
// of webApp: discovery without a token, creation at /api/v1/uploads
// without the trailing slash, the bytes in one PATCH; every answer carries
// the CORS headers the browser needs to read Location and Photo-Id.
func TestTusAcrossOrigins(t *testing.T) {
	corsBackends(t, func(t *testing.T, env *testenv.Env) {
		alice := env.NewUser(models.RoleCommissioner, townshipHuabu)
		visit := newVisit(t, env, alice.Commissioner, villageHuayang, photoTime(2024, 5, 21, 9, 0))
		data := phototest.JPEG(120, 90, 7, nil)
		anon := tusClient{t: t, env: env}
		for _, path := range []string{"/api/v1/uploads", "/api/v1/uploads/"} {
			r := anon.must("OPTIONS", env.Server.URL+path, nil, "Origin", webApp)
			if r.status != http.StatusOK && r.status != http.StatusNoContent {
				t.Fatalf("OPTIONS %s without a token: %d %s", path, r.status, r.body)
			}
			if r.header.Get("Tus-Version") != "1.0.0" || !testenv.ListHas(r.header.Get("Tus-Extension"), "creation") ||
				r.header.Get("Tus-Max-Size") != strconv.Itoa(photoLimit) {
				t.Fatalf("OPTIONS %s: %v", path, r.header)
			}
			if r.header.Get("Access-Control-Allow-Origin") != webApp {
				t.Fatalf("OPTIONS %s: Access-Control-Allow-Origin %q", path, r.header.Get("Access-Control-Allow-Origin"))
			}
		}
		c := tusClient{t: t, env: env, token: alice.Token}
		id := models.NewID()
		meta := "id " + b64(id) + ",owner_type " + b64("visit") + ",owner_id " + b64(visit.ID)
		r := c.must("POST", env.Server.URL+"/api/v1/uploads", nil, "Origin", webApp,
			"Upload-Length", strconv.Itoa(len(data)), "Upload-Metadata", meta)
		loc := r.header.Get("Location")
		if r.status != http.StatusCreated || !strings.Contains(loc, "/api/v1/uploads/") {
			t.Fatalf("POST /api/v1/uploads: %d %v %s", r.status, r.header, r.body)
		}
		if r.header.Get("Access-Control-Allow-Origin") != webApp {
			t.Fatalf("POST: Access-Control-Allow-Origin %q", r.header.Get("Access-Control-Allow-Origin"))
		}
		r = c.must("PATCH", loc, data, "Origin", webApp, "Content-Type", "application/offset+octet-stream", "Upload-Offset", "0")
		if r.status != http.StatusNoContent || r.header.Get("Photo-Id") != id || r.header.Get("Access-Control-Allow-Origin") != webApp {
			t.Fatalf("PATCH: %d %v %s", r.status, r.header, r.body)
		}
		var p photoResp
		env.Do("GET", "/api/v1/photos/"+id, alice.Token, nil).Decode(t, &p)
		if p.SHA256 != sha(data) || p.Size != int64(len(data)) || p.Width != 120 || p.Height != 90 {
			t.Fatalf("photo %+v", p)
		}
		// Creation without a token is still refused.
		r = anon.must("POST", env.Server.URL+"/api/v1/uploads", nil, "Origin", webApp,
			"Upload-Length", strconv.Itoa(len(data)), "Upload-Metadata", meta)
		if r.status != http.StatusUnauthorized {
			t.Fatalf("POST without a token: %d %s", r.status, r.body)
		}
	})
}
