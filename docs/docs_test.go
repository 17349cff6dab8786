package docs_test

import (
	"bytes"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// urlHost finds absolute http(s) URLs and captures their host.
var urlHost = regexp.MustCompile(`https?://([A-Za-z0-9.-]*)`)

// bundleHosts are the only hosts named in the vendored Redoc bundle, each
// with why naming it makes the page fetch nothing from it: the CSP
// (default-src 'none', script/img/connect 'self') blocks any load that is
// not from the docs' own server, and a new host here means a new Redoc
// version to review.
var bundleHosts = map[string]string{
	"":                          "the scheme checks of its URL helpers (\"https://\")",
	"www.w3.org":                "XML namespaces of SVG and XHTML",
	"json-schema.org":           "JSON Schema $schema and $id identifiers",
	"raw.githubusercontent.com": "an $id of a bundled JSON schema (an identifier)",
	"example.com":               "placeholder URLs of sample servers",
	"github.com":                "links in error messages",
	"git.io":                    "a link in an error message",
	"stackoverflow.com":         "a link in a comment",
	"reactjs.org":               "links in React's error messages",
	"fb.me":                     "links in React's error messages",
	"marked.js.org":             "a link in the Markdown renderer's error message",
	"redocly.com":               "the footer link to Redoc's site, and registry URL checks",
	"cdn.redoc.ly":              "the footer logo image: blocked by img-src 'self' data:, hidden by Redoc when it fails",
	"api.":                      "a template of registry API URLs it tests links against",
}

func get(t *testing.T, env *testenv.Env, path string) *testenv.Resp {
	t.Helper()
	r := env.Do("GET", path, "", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
	}
	csp := r.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "connect-src 'self'", "img-src 'self' data:"} {
		if !strings.Contains(csp, want) {
			t.Errorf("GET %s: CSP %q lacks %s", path, csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-eval") || strings.Contains(csp, "script-src 'self' 'unsafe-inline'") {
		t.Errorf("GET %s: CSP %q allows eval or inline scripts", path, csp)
	}
	return r
}

// TestReferencePage checks that /docs is the renderer's page, loading only
// files of the docs' own server, and that the renderer and the document
// it renders are served.
func TestReferencePage(t *testing.T) {
	env := testenv.New(t, "sqlite")
	page := get(t, env, "/docs")
	if ct := page.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("/docs Content-Type %q", ct)
	}
	html := string(page.Body)
	for _, want := range []string{`<script src="/docs/assets/redoc.standalone.js">`, `<script src="/docs/assets/docs.js">`,
		`data-spec="/openapi.json"`, `href="/docs/assets/docs.css"`} {
		if !strings.Contains(html, want) {
			t.Errorf("/docs lacks %s", want)
		}
	}
	if m := urlHost.FindAllString(html, -1); len(m) != 0 {
		t.Errorf("/docs names external URLs: %v", m)
	}
	if strings.Contains(html, "<script>") || regexp.MustCompile(`\son[a-z]+=`).MatchString(html) {
		t.Errorf("/docs has inline script, which its CSP forbids")
	}

	bundle := get(t, env, "/docs/assets/redoc.standalone.js")
	vendored, err := os.ReadFile("redoc/redoc.standalone.js")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bundle.Body, vendored) || len(vendored) < 500_000 || !bytes.Contains(vendored, []byte("Redoc")) {
		t.Fatalf("the served bundle (%d bytes) is not the vendored Redoc (%d bytes)", len(bundle.Body), len(vendored))
	}
	if ct := bundle.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("bundle Content-Type %q", ct)
	}
	hosts := map[string]bool{}
	for _, m := range urlHost.FindAllStringSubmatch(string(bundle.Body), -1) {
		hosts[m[1]] = true
	}
	var unknown []string
	for h := range hosts {
		if _, ok := bundleHosts[h]; !ok {
			unknown = append(unknown, h)
		}
	}
	sort.Strings(unknown)
	if len(unknown) > 0 {
		t.Errorf("the Redoc bundle names hosts not reviewed: %v", unknown)
	}
	for _, name := range []string{"docs.js", "docs.css"} {
		r := get(t, env, "/docs/assets/"+name)
		if m := urlHost.FindAllString(string(r.Body), -1); len(m) != 0 {
			t.Errorf("%s names external URLs: %v", name, m)
		}
	}
	if license := get(t, env, "/docs/assets/redoc.LICENSE"); !bytes.Contains(license.Body, []byte("MIT License")) {
		t.Errorf("Redoc's licence is not served")
	}
	if r := env.Do("GET", "/docs/assets/../docs.go", "", nil); r.Status != http.StatusNotFound {
		t.Errorf("/docs/assets/../docs.go: %d", r.Status)
	}
	if r := env.Do("GET", "/docs/assets/guide.md", "", nil); r.Status != http.StatusNotFound {
		t.Errorf("/docs/assets/guide.md: %d", r.Status)
	}
	var doc map[string]any
	env.Do("GET", "/openapi.json", "", nil).Decode(t, &doc)
	if paths, _ := doc["paths"].(map[string]any); len(paths) < 50 {
		t.Fatalf("/openapi.json has %d paths", len(paths))
	}
}

// TestGuide checks that the phone developer's guide is served as a page,
// as Markdown and as the document the page renders, and that it covers
// what a phone developer needs.
func TestGuide(t *testing.T) {
	env := testenv.New(t, "sqlite")
	page := get(t, env, "/docs/guide")
	if !strings.Contains(string(page.Body), `data-spec="/docs/guide.json"`) {
		t.Fatalf("/docs/guide does not render /docs/guide.json")
	}
	md := get(t, env, "/docs/guide.md")
	if ct := md.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/markdown") {
		t.Errorf("/docs/guide.md Content-Type %q", ct)
	}
	source, err := os.ReadFile("guide.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(md.Body, source) {
		t.Fatalf("/docs/guide.md is not docs/guide.md")
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Info    struct {
			Description string `json:"description"`
		} `json:"info"`
	}
	get(t, env, "/docs/guide.json").Decode(t, &doc)
	if doc.OpenAPI != "3.0.3" || doc.Info.Description != string(source) {
		t.Fatalf("/docs/guide.json does not wrap the guide")
	}
	for _, topic := range []string{"/api/v1/auth/refresh", "60", "/api/v1/sync/push", "/api/v1/sync/pull", "conflict",
		"UUID", "/api/v1/photos", "tus", "Upload-Offset", "TEPAI_CORS_ORIGINS", "Asia/Shanghai", "Retry-After",
		"request_id", "curl ", "```go"} {
		if !strings.Contains(doc.Info.Description, topic) {
			t.Errorf("the guide does not mention %q", topic)
		}
	}
}
