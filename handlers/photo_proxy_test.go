package handlers_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/phototest"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// getRange GETs path with the token and a Range header (none when empty),
// never following a redirect, and checks the answer against the contract.
func getRange(t *testing.T, env *testenv.Env, token, path, rng string) (*http.Response, []byte) {
	t.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("GET", env.Server.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if rng != "" {
		req.Header.Set("Range", rng)
	}
	res, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	testenv.Observe(req, res, b)
	return res, b
}

// With TEPAI_PHOTO_DELIVERY=proxy a photo's bytes and its thumbnail come
// through tepai itself, also from MinIO (never a redirect the phone could
// not follow on an intranet without MinIO), with ranges, and with the same
// scope checks as in redirect mode.
func TestPhotoProxyStreamsContentWithRanges(t *testing.T) {
	run := func(backend string) func(t *testing.T) {
		return func(t *testing.T) {
			cfg := testenv.Config(t, backend)
			cfg.MaxPhotoBytes = photoLimit
			cfg.PhotoDelivery = "proxy"
			env := testenv.NewWithConfig(t, backend, cfg)
			alice := env.NewUser(models.RoleCommissioner, townshipHuabu)
			bob := env.NewUser(models.RoleCommissioner, townshipHuabu)
			visit := newVisit(t, env, alice.Commissioner, villageHuayang, photoTime(2024, 5, 21, 9, 0))
			jpg := phototest.JPEG(400, 300, 7, nil)
			id := models.NewID()
			if r := upload(env, alice.Token, photoFields(id, "visit", visit.ID), jpg); r.Status != 201 {
				t.Fatalf("upload: %d %s", r.Status, r.Body)
			}
			content := "/api/v1/photos/" + id + "/content"

			res, got := getRange(t, env, alice.Token, content, "")
			if res.StatusCode != http.StatusOK || !bytes.Equal(got, jpg) {
				t.Fatalf("content: %d, %d bytes (location %q); want 200 and the %d bytes uploaded",
					res.StatusCode, len(got), res.Header.Get("Location"), len(jpg))
			}
			res, got = getRange(t, env, alice.Token, content, "bytes=10-29")
			wantRange := fmt.Sprintf("bytes 10-29/%d", len(jpg))
			if res.StatusCode != http.StatusPartialContent || !bytes.Equal(got, jpg[10:30]) || res.Header.Get("Content-Range") != wantRange {
				t.Fatalf("range 10-29: %d %q, %d bytes; want 206 %q and bytes 10..29", res.StatusCode,
					res.Header.Get("Content-Range"), len(got), wantRange)
			}
			res, got = getRange(t, env, alice.Token, content, fmt.Sprintf("bytes=%d-", len(jpg)-5))
			if res.StatusCode != http.StatusPartialContent || !bytes.Equal(got, jpg[len(jpg)-5:]) {
				t.Fatalf("last 5 bytes: %d, %d bytes", res.StatusCode, len(got))
			}
			if res, _ := getRange(t, env, bob.Token, content, ""); res.StatusCode != http.StatusNotFound {
				t.Fatalf("another commissioner: %d, want 404", res.StatusCode)
			}
			if res, _ := getRange(t, env, bob.Token, content, "bytes=0-9"); res.StatusCode != http.StatusNotFound {
				t.Fatalf("another commissioner, a range: %d, want 404", res.StatusCode)
			}

			waitThumbnail(t, env, alice.Token, id)
			thumb := "/api/v1/photos/" + id + "/thumbnail"
			res, whole := getRange(t, env, alice.Token, thumb, "")
			if res.StatusCode != http.StatusOK || len(whole) < 100 || res.Header.Get("Content-Type") != "image/jpeg" {
				t.Fatalf("thumbnail: %d %q, %d bytes", res.StatusCode, res.Header.Get("Content-Type"), len(whole))
			}
			res, got = getRange(t, env, alice.Token, thumb, "bytes=0-99")
			if res.StatusCode != http.StatusPartialContent || !bytes.Equal(got, whole[:100]) {
				t.Fatalf("thumbnail range: %d, %d bytes", res.StatusCode, len(got))
			}
			if res, _ := getRange(t, env, bob.Token, thumb, ""); res.StatusCode != http.StatusNotFound {
				t.Fatalf("another commissioner's thumbnail: %d, want 404", res.StatusCode)
			}
		}
	}
	t.Run("sqlite", run("sqlite"))
	if testenv.MySQLAvailable() {
		t.Run("mysql", run("mysql"))
	}
}
