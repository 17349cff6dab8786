package security_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tepai/tepai/config"
	"github.com/tepai/tepai/internal/testenv"
)

// bodyLimit is the JSON body limit of the hostile-body checks, small so
// that going over it is cheap.
const bodyLimit = 256 << 10

// TestHostileInput sends every JSON route bodies over the limit (with and
// without a Content-Length), nested 100 000 deep, of the wrong media type
// and with invalid UTF-8: each is refused with the contract's 4xx, never a
// 5xx, and nothing is stored. Then it tries path traversal.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	var root string
	var canary []byte
	backendsWith(t, func(c *config.Config) {
		c.MaxBodyBytes = bodyLimit
		root = c.DataDir
		canary = writeCanary(t, root)
		c.DataDir = filepath.Join(root, "data")
	}, func(t *testing.T, env *testenv.Env) {
		w := newWorld(t, env)
		routes := w.bodyRoutes(t)
		before := tableCounts(t, env)
		for _, r := range routes {
			t.Run(r.String(), func(t *testing.T) { w.hostileBodies(t, r) })
		}
		checkUnchanged(t, before, tableCounts(t, env))
		t.Run("traversal", func(t *testing.T) { checkTraversalPaths(t, w, root, canary) })
	})
}

// hostileBodies runs one route's hostile bodies.
func (w *world) hostileBodies(t *testing.T, r bodyRoute) {
	big := []byte(`{"name":"` + strings.Repeat("a", bodyLimit) + `"}`)
	w.expectStatus(t, r, "over the limit", big, "application/json", false, 413)
	if !r.json {
		return // the handler reads no body: only its length is checked
	}
	w.expectStatus(t, r, "over the limit, chunked", big, "application/json", true, 413)
	deep := [][]byte{
		bytes.Repeat([]byte("["), 100_000),
		[]byte(strings.Repeat(`{"a":`, 60_000) + "1" + strings.Repeat("}", 60_000)),
		[]byte(`{"name":` + strings.Repeat("[", 50_000) + strings.Repeat("]", 50_000) + "}"),
	}
	for _, b := range deep {
		w.expectStatus(t, r, "deeply nested", b, "application/json", false, 400, 413, 422)
	}
	valid := mustJSON(t, r.call.body)
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "text/html; charset=utf-8"} {
		w.expectStatus(t, r, "content type "+ct, valid, ct, false, 415)
	}
	w.expectStatus(t, r, "invalid UTF-8", invalidUTF8(t, r.call.body), "application/json", false, 400)
}

// expectStatus sends a hostile body and checks the answer is one of want,
// in the contract's error shape.
func (w *world) expectStatus(t *testing.T, r bodyRoute, what string, body []byte, ct string, chunked bool, want ...int) {
	t.Helper()
	res := w.send(t, r.method, r.call.path, r.token, body, ct, chunked)
	for _, s := range want {
		if res.Status == s && res.ErrorCode() != "" {
			return
		}
	}
	t.Errorf("%s: %d %.200s, want one of %v in the error shape", what, res.Status, res.Body, want)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// invalidUTF8 encodes body with bytes that are not UTF-8 inside every
// string value.
func invalidUTF8(t *testing.T, body any) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(mustJSON(t, body), &v); err != nil {
		t.Fatal(err)
	}
	const marker = "INVALID-UTF8-HERE"
	b := mustJSON(t, mapStrings(v, func(s string) string { return s + marker }))
	if !bytes.Contains(b, []byte(marker)) {
		b = []byte(`{"name":"` + marker + `"}`)
	}
	return bytes.ReplaceAll(b, []byte(marker), []byte("\xff\xfe\xc0\xaf"))
}

// mapStrings returns v with fn applied to every string value in it.
func mapStrings(v any, fn func(string) string) any {
	switch x := v.(type) {
	case string:
		return fn(x)
	case []any:
		for i := range x {
			x[i] = mapStrings(x[i], fn)
		}
	case map[string]any:
		for k := range x {
			x[k] = mapStrings(x[k], fn)
		}
	}
	return v
}
