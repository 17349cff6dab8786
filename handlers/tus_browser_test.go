package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/tepai/tepai/internal/browsertest"
	"github.com/tepai/tepai/internal/phototest"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// tusChunk is the chunk size the page uploads with: the photo takes
// several chunks, so an upload stopped after the first one is part-way.
const tusChunk = 16 << 10

// TestTusFromBrowserPage runs a web app in headless Chromium on another
// origin than tepai (its own server on 127.0.0.1, another port): allowed
// by TEPAI_CORS_ORIGINS, it signs in with fetch, creates a visit and
// uploads the visit's photo with tus-js-client to /api/v1/uploads, stopped
// after the first chunk and resumed from the upload tus-js-client kept;
// the photo is stored once with the bytes' sha256. The same page on an
// origin not in the list (localhost instead of 127.0.0.1) is refused by
// the browser at each step and stores nothing.
func TestTusFromBrowserPage(t *testing.T) {
	run := func(backend string) func(t *testing.T) {
		return func(t *testing.T) {
			data := phototest.JPEG(640, 480, 11, nil)
			if len(data) <= 3*tusChunk {
				t.Fatalf("photo of %d bytes: too small for a resumed upload in chunks of %d", len(data), tusChunk)
			}
			pages := pageServer(t, data)
			port := pages.URL[strings.LastIndex(pages.URL, ":")+1:]
			allowed, other := "http://127.0.0.1:"+port, "http://localhost:"+port

			cfg := testenv.Config(t, backend)
			cfg.CORSOrigins = allowed
			env := testenv.NewWithConfig(t, backend, cfg)
			api := newAPIProxy(t, env)
			alice := env.NewUser(models.RoleCommissioner, townshipHuabu)
			ctx := browser(t)

			navigate(t, ctx, allowed+"/")
			token := evalJS[string](t, ctx, "signIn", api.URL, alice.User.Phone, alice.Password)
			visit := visitBody(villageHuayang, 3)
			created := evalJS[struct {
				Status int    `json:"status"`
				ETag   string `json:"etag"`
				ID     string `json:"id"`
			}](t, ctx, "createVisit", api.URL, token, visit)
			if created.Status != http.StatusCreated || created.ETag == "" || created.ID != visit["id"] {
				t.Fatalf("visit from the page: %+v, want 201 with its ETag and id %s", created, visit["id"])
			}

			photoID := models.NewID()
			first := evalJS[tusAttempt](t, ctx, "uploadStart", api.URL, token, photoID, visit["id"], tusChunk)
			if !strings.HasPrefix(first.URL, api.URL+"/api/v1/uploads/") || first.Accepted != tusChunk ||
				strings.Join(first.Requests, ",") != "POST -,PATCH 0" {
				t.Fatalf("first attempt: %+v, want an upload URL, %d bytes in, POST then one PATCH", first, tusChunk)
			}
			var partial int64
			env.DB().Model(&models.Photo{}).Where("id = ?", photoID).Count(&partial)
			if partial != 0 {
				t.Fatalf("%d photos after the first chunk, want none yet", partial)
			}

			second := evalJS[tusAttempt](t, ctx, "uploadResume", api.URL, token, photoID, visit["id"], tusChunk)
			want := []string{"HEAD -"}
			for off := tusChunk; off < len(data); off += tusChunk {
				want = append(want, fmt.Sprintf("PATCH %d", off))
			}
			if second.URL != first.URL || second.Previous != 1 || second.PhotoID != photoID ||
				strings.Join(second.Requests, ",") != strings.Join(want, ",") {
				t.Fatalf("resumed attempt: %+v, want URL %s, 1 previous upload, photo %s, requests %v",
					second, first.URL, photoID, want)
			}

			var p photoResp
			env.Do("GET", "/api/v1/photos/"+photoID, alice.Token, nil).Decode(t, &p)
			if p.SHA256 != sha(data) || p.Size != int64(len(data)) || p.OwnerType != "visit" || p.OwnerID != visit["id"] ||
				p.Width != 640 || p.Height != 480 {
				t.Fatalf("photo %+v, want visit %s, sha256 %s, %d bytes, 640x480", p, visit["id"], sha(data), len(data))
			}
			var copies, ofVisit int64
			env.DB().Model(&models.Photo{}).Where("sha256 = ?", sha(data)).Count(&copies)
			env.DB().Model(&models.Photo{}).Where("owner_id = ?", visit["id"]).Count(&ofVisit)
			if copies != 1 || ofVisit != 1 {
				t.Fatalf("%d photos with the bytes' sha256, %d of the visit; want 1 and 1", copies, ofVisit)
			}

			for _, x := range api.exchanges() {
				if x.method == http.MethodOptions && (x.status != http.StatusNoContent || x.allowOrigin != allowed) {
					t.Errorf("preflight of %s from %s: %d, Access-Control-Allow-Origin %q; want 204 and %s",
						x.path, x.origin, x.status, x.allowOrigin, allowed)
				}
			}

			// The same page served to an origin tepai does not allow.
			navigate(t, ctx, other+"/")
			stranger := visitBody(villageHuayang, 2)
			strangerPhoto := models.NewID()
			out := evalJS[map[string]string](t, ctx, "refused", api.URL, alice.User.Phone, alice.Password,
				alice.Token, stranger, strangerPhoto, tusChunk)
			if !strings.HasPrefix(out["login"], "TypeError") || !strings.HasPrefix(out["visit"], "TypeError") ||
				!strings.Contains(out["upload"], "tus: failed to create upload") {
				t.Fatalf("from %s: %v, want every fetch failing with a TypeError and the upload not created", other, out)
			}
			if r := env.Do("GET", "/api/v1/visits/"+stranger["id"].(string), alice.Token, nil); r.Status != http.StatusNotFound {
				t.Fatalf("visit posted from %s: %d %s, want 404", other, r.Status, r.Body)
			}
			var photos int64
			env.DB().Model(&models.Photo{}).Count(&photos)
			if photos != 1 {
				t.Fatalf("%d photos after the refused page, want the 1 uploaded before", photos)
			}
			// The browser sent nothing but preflights from there, each refused
			// with 403 and no Access-Control-Allow-Origin.
			refusedSeen := 0
			for _, x := range api.exchanges() {
				if x.origin != other {
					continue
				}
				if x.method != http.MethodOptions || x.status != http.StatusForbidden || x.allowOrigin != "" {
					t.Errorf("from %s: %s %s answered %d, Access-Control-Allow-Origin %q; want only refused preflights",
						other, x.method, x.path, x.status, x.allowOrigin)
				}
				refusedSeen++
			}
			if refusedSeen != 3 {
				t.Errorf("%d requests from %s, want 3 preflights (login, visit, upload)", refusedSeen, other)
			}
		}
	}
	t.Run("sqlite", run("sqlite"))
	if testenv.MySQLAvailable() {
		t.Run("mysql", run("mysql"))
	}
}

// tusAttempt is what the page tells of one tus-js-client upload.
type tusAttempt struct {
	URL      string   `json:"url"`
	Accepted int      `json:"accepted"`
	Previous int      `json:"previous"`
	PhotoID  string   `json:"photoId"`
	Requests []string `json:"requests"`
}

// pageServer serves the web app of testdata/tus-page.html, the
// tus-js-client bundle and the photo, on 127.0.0.1.
func pageServer(t *testing.T, photo []byte) *httptest.Server {
	t.Helper()
	page, err := os.ReadFile("testdata/tus-page.html")
	if err != nil {
		t.Fatal(err)
	}
	tusJS, err := os.ReadFile("testdata/tus-js-client/tus.min.js")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]struct {
		typ  string
		body []byte
	}{
		"/":            {"text/html; charset=utf-8", page},
		"/tus.min.js":  {"text/javascript; charset=utf-8", tusJS},
		"/photo.jpg":   {"image/jpeg", photo},
		"/favicon.ico": {"image/x-icon", nil},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", f.typ)
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(f.body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// browser starts a headless Chromium for t, stopped when t ends (at the
// latest after two minutes).
func browser(t *testing.T) context.Context {
	t.Helper()
	base, stopTimer := context.WithTimeout(context.Background(), 2*time.Minute)
	actx, stopAlloc := chromedp.NewExecAllocator(base, browsertest.Options(t)...)
	ctx, stopTab := chromedp.NewContext(actx)
	t.Cleanup(func() {
		stopTab()
		stopAlloc()
		stopTimer()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// navigate opens url in the tab and waits for the page's scripts.
func navigate(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof tus === 'object' && tus.isSupported`)); err != nil || !ok {
		t.Fatalf("%s: tus-js-client not loaded (%v)", url, err)
	}
}

// evalJS calls the page's async function fn with args (as JSON) and
// answers what its promise resolves to.
func evalJS[T any](t *testing.T, ctx context.Context, fn string, args ...any) T {
	t.Helper()
	parts := make([]string, len(args))
	for i, a := range args {
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		parts[i] = string(b)
	}
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](fn+"("+strings.Join(parts, ", ")+")", chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s in the page: %v", fn, err)
	}
	return v
}

// exchange is one request the browser sent to tepai and its answer.
type exchange struct {
	method, path, origin string
	status               int
	allowOrigin          string
}

// apiProxy stands for tepai in front of the browser: it passes every
// request on unchanged (Host included, so tus upload URLs point at it),
// notes each exchange and hands each one but the CORS preflights (which
// the test checks itself) to the package's OpenAPI check.
type apiProxy struct {
	*httptest.Server
	mu       sync.Mutex
	seen     []exchange
	contract []string
}

func newAPIProxy(t *testing.T, env *testenv.Env) *apiProxy {
	t.Helper()
	target, err := url.Parse(env.Server.URL)
	if err != nil {
		t.Fatal(err)
	}
	p := &apiProxy{}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Host = r.In.Host
		},
		ModifyResponse: func(res *http.Response) error {
			body, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil {
				return err
			}
			res.Body = io.NopCloser(bytes.NewReader(body))
			req := res.Request
			p.mu.Lock()
			p.seen = append(p.seen, exchange{method: req.Method, path: req.URL.Path, origin: req.Header.Get("Origin"),
				status: res.StatusCode, allowOrigin: res.Header.Get("Access-Control-Allow-Origin")})
			p.mu.Unlock()
			if req.Method != http.MethodOptions || req.Header.Get("Access-Control-Request-Method") == "" {
				testenv.Observe(req, res, body) // a CORS preflight is no operation of the API
			}
			return nil
		},
	}
	p.Server = httptest.NewServer(rp)
	t.Cleanup(p.Close)
	return p
}

// exchanges are the exchanges so far.
func (p *apiProxy) exchanges() []exchange {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]exchange(nil), p.seen...)
}
