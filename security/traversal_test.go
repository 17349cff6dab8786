package security_test

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/tepai/tepai/storage"
)

// traversalKeys are keys and names that try to leave a folder.
var traversalKeys = []string{"../canary.txt", "../../canary.txt", "a/../../canary.txt", "/etc/passwd", `..\canary.txt`,
	"a/..", "..", ".", "", "photos/../../canary.txt", "a\x00b", "./../canary.txt", "%2e%2e/canary.txt"}

// TestLocalStoreStaysInside tries every traversal key on the local photo
// store: the file beside its folder is never read, written nor removed.
func TestLocalStoreStaysInside(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	canary := writeCanary(t, root)
	st, err := storage.NewLocal(filepath.Join(root, "photos"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, key := range traversalKeys {
		if err := st.Put(ctx, key, strings.NewReader("evil"), 4, "image/jpeg"); err == nil && !insideRoot(key) {
			t.Errorf("put %q succeeded", key)
		}
		if rc, _, err := st.Get(ctx, key); err == nil {
			b, _ := io.ReadAll(rc)
			rc.Close()
			if bytes.Equal(b, canary) {
				t.Errorf("get %q read the file outside", key)
			}
		}
		_ = st.Delete(ctx, key)
	}
	checkOnlyData(t, root, canary, "photos")
}

// insideRoot reports whether key, cleaned, stays below the store's root
// (such keys may be stored; they are harmless).
func insideRoot(key string) bool {
	c := filepath.Clean("/" + key)
	return !strings.Contains(key, "..") && c != "/" && !strings.ContainsRune(key, 0)
}

// checkTraversalPaths sends requests whose paths climb with .. (raw,
// escaped, double-escaped) and record ids and region codes that do: none
// is a 5xx, none answers a file, and nothing appears outside the data
// folder (root/data, beside root/canary.txt).
func checkTraversalPaths(t *testing.T, w *world, root string, canary []byte) {
	for _, p := range traversalPaths {
		for _, method := range []string{"GET", "DELETE", "PATCH", "HEAD"} {
			res := w.send(t, method, p, w.admin(), nil, "", false)
			if res.Status >= 500 || bytes.Contains(res.Body, canary) || bytes.Contains(res.Body, []byte("root:x:0")) {
				t.Errorf("%s %s: %d %.200s", method, p, res.Status, res.Body)
			}
		}
	}
	checkOnlyData(t, root, canary, "data")
}

// traversalPaths climb with .. raw, escaped and double-escaped, in paths,
// record ids, region codes and cursors.
var traversalPaths = []string{
	"/api/v1/commissioners/../../../canary.txt", "/api/v1/commissioners/..%2F..%2F..%2Fcanary.txt",
	"/api/v1/commissioners/%2e%2e%2f%2e%2e%2fcanary.txt", "/api/v1/commissioners/%252e%252e%252fcanary.txt",
	"/api/v1/%2e%2e/%2e%2e/canary.txt", "/docs/../../canary.txt", "/openapi.json/../../../etc/passwd",
	"/api/v1/regions/33%2F..", "/api/v1/regions/..%2F..%2Fcanary.txt", "/api/v1/regions/330824/children/../../..",
	"/api/v1/evaluations/2024?region=33%2F..", "/api/v1/evaluations/..%2F2024/rubric?region=330824",
	"/api/v1/commissioners?region=..%2F..&cursor=Li4vLi4vY2FuYXJ5LnR4dA", "/api/v1/photos/..%2F..%2Fcanary.txt/content",
	"/api/v1/photos/../../canary.txt/content", "/api/v1/uploads/..%2F..%2Fcanary.txt", "/api/v1/uploads/../../canary.txt",
}

// writeCanary puts a file at root/canary.txt and returns its content.
func writeCanary(t *testing.T, root string) []byte {
	t.Helper()
	b := []byte("canary: must never be read, changed or removed\n")
	if err := os.WriteFile(filepath.Join(root, "canary.txt"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return b
}

// checkOnlyData fails unless root holds the unchanged canary and, beside
// it, nothing but the data folder named data.
func checkOnlyData(t *testing.T, root string, canary []byte, data string) {
	t.Helper()
	if b, err := os.ReadFile(filepath.Join(root, "canary.txt")); err != nil || !bytes.Equal(b, canary) {
		t.Errorf("the canary beside the data folder was changed: %q %v", b, err)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	want := []string{"canary.txt"}
	if _, err := os.Stat(filepath.Join(root, data)); err == nil {
		want = append(want, data)
		sort.Strings(want)
	}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("beside the data folder: %v, want %v", names, want)
	}
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type()&fs.ModeSymlink != 0 {
			t.Errorf("symlink %s", p)
		}
		return nil
	})
}
