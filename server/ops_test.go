package server_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

func TestMetricsCountRequestsByRoute(t *testing.T) {
	env := testenv.New(t, "sqlite")
	tk := env.Admin()
	for range 3 {
		env.Do("GET", "/api/v1/regions/330824", tk, nil)
	}
	env.Do("GET", "/api/v1/regions/330899", tk, nil)
	env.Do("GET", "/api/v1/nope/1", "", nil)
	r := env.Do("GET", "/metrics", "", nil)
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("metrics: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	body := string(r.Body)
	for _, want := range []string{
		`tepai_http_requests_total{method="GET",route="/api/v1/regions/:code",status="200"} 3`,
		`tepai_http_requests_total{method="GET",route="/api/v1/regions/:code",status="404"} 1`,
		`tepai_http_requests_total{method="GET",route="/api/v1/*",status="404"} 1`,
		`tepai_http_request_duration_seconds_count{method="GET",route="/api/v1/regions/:code",status="200"} 3`,
		`go_goroutines `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestGzipWhenAsked(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		tk := env.Admin()
		// 14 townships: over the 1 KiB below which nothing is compressed.
		r := env.Do("GET", "/api/v1/regions/330824/children", tk, nil, "Accept-Encoding", "gzip")
		if r.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("not compressed: %q", r.Header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		var page struct{ Items []map[string]any }
		if err := json.Unmarshal(plain, &page); err != nil || len(page.Items) != 14 {
			t.Fatalf("decompressed: %d items, %v", len(page.Items), err)
		}
		if r := env.Do("GET", "/api/v1/regions/330824/children", tk, nil); r.Header.Get("Content-Encoding") != "" {
			t.Fatalf("compressed without Accept-Encoding")
		}
		// A short answer and an error answer stay plain, in the error shape.
		if r := env.Do("GET", "/api/v1/regions/330824", tk, nil, "Accept-Encoding", "gzip"); r.Status != http.StatusOK || r.Header.Get("Content-Encoding") != "" || r.JSON()["code"] != "330824" {
			t.Fatalf("short answer: %d %q %s", r.Status, r.Header.Get("Content-Encoding"), r.Body)
		}
		r = env.Do("GET", "/api/v1/regions/330824999999", tk, nil, "Accept-Encoding", "gzip")
		var e struct {
			Error     struct{ Code, Message string }
			RequestID string `json:"request_id"`
		}
		if err := json.Unmarshal(r.Body, &e); err != nil || r.Status != http.StatusNotFound || e.Error.Code != "not_found" || e.RequestID == "" {
			t.Fatalf("error answer: %d %q %s", r.Status, r.Header.Get("Content-Encoding"), r.Body)
		}
		if r.Header.Get("Vary") != "Accept-Encoding" {
			t.Fatalf("Vary: %q", r.Header.Get("Vary"))
		}
	})
}

func TestReadyzChecksDependencies(t *testing.T) {
	env := testenv.New(t, "sqlite")
	if err := os.RemoveAll(filepath.Join(env.Config.DataDir, "photos")); err != nil {
		t.Fatal(err)
	}
	var ready struct {
		Status string
		Checks map[string]string
	}
	r := env.Do("GET", "/readyz", "", nil)
	r.Decode(t, &ready)
	if r.Status != http.StatusServiceUnavailable || ready.Status != "unavailable" || ready.Checks["photo_store"] != "down" || ready.Checks["database"] != "ok" {
		t.Fatalf("photo store gone: %d %s", r.Status, r.Body)
	}
	env.DB().Close()
	r = env.Do("GET", "/readyz", "", nil)
	r.Decode(t, &ready)
	if r.Status != http.StatusServiceUnavailable || ready.Checks["database"] != "down" {
		t.Fatalf("database closed: %d %s", r.Status, r.Body)
	}
	if r := env.Do("GET", "/healthz", "", nil); r.Status != http.StatusOK {
		t.Fatalf("healthz while not ready: %d", r.Status)
	}
}
