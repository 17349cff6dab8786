package security_test

import (
	"bytes"
	"encoding/base64"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/tepai/tepai/config"
	"github.com/tepai/tepai/internal/phototest"
	"github.com/tepai/tepai/internal/testenv"
)

// TestUploadIDs sends resumable upload requests whose upload id is not
// one the server made: climbing out of the uploads folder (raw and
// escaped), naming another upload's file, holding NUL or being very long.
// None is a 5xx, none reads or removes a file, and the genuine upload is
// untouched.
func TestUploadIDs(t *testing.T) {
	t.Parallel()
	var root string
	var canary []byte
	backendsWith(t, func(c *config.Config) {
		root = c.DataDir
		canary = writeCanary(t, root)
		c.DataDir = filepath.Join(root, "data")
	}, func(t *testing.T, env *testenv.Env) {
		w := newWorld(t, env)
		own := w.sides[0].ids["upload"]
		id := strings.TrimPrefix(own, "/api/v1/uploads/")
		plant := plantUpload(t, root, w.sides[0].owner.User.ID, canary)
		ids := []string{"../../../canary.txt", "../../../planted", "..%2F..%2F..%2Fplanted", "%2e%2e%2f%2e%2e%2f%2e%2e%2fplanted",
			id + "/../" + id, id + ".info", "..", ".", "%00", "a%00b", strings.Repeat("a", 5000), strings.Repeat("f", 32) + "+" + strings.Repeat("x", 300),
			"' OR '1'='1", "%E5%8D%8E", "%FF"}
		for _, bad := range ids {
			for _, method := range []string{"HEAD", "PATCH", "DELETE", "GET", "POST"} {
				c := call{path: "/api/v1/uploads/" + bad, body: []byte("xx"),
					headers: tusHeaders("Content-Type", "application/offset+octet-stream", "Upload-Offset", "0", "Upload-Length", "2")}
				res := w.do(t, method, w.sides[0].owner.Token, c)
				if res.Status >= 500 || res.Status < 300 && method != "POST" {
					t.Errorf("%s %s: %d %.200s", method, c.path, res.Status, res.Body)
				}
			}
		}
		for _, f := range []string{plant, plant + ".info", filepath.Join(root, "canary.txt")} {
			if b, err := os.ReadFile(f); err != nil || !bytes.Contains(b, []byte("canary")) && !strings.HasSuffix(f, ".info") {
				t.Errorf("%s was changed: %v", f, err)
			}
		}
		if r := w.do(t, "HEAD", w.sides[0].owner.Token, call{path: own, headers: tusHeaders()}); r.Status != http.StatusOK {
			t.Errorf("the genuine upload: %d", r.Status)
		}
	})
}

// plantUpload writes, beside the data folder, a file and a tus .info that
// names it and userID as its uploader, as an attacker who managed to put
// files there would; it returns the file's path.
func plantUpload(t *testing.T, root, userID string, content []byte) string {
	plant := filepath.Join(root, "planted")
	info := `{"ID":"planted","Size":100,"Offset":0,"MetaData":{"tepai_user":"` + userID + `"},"Storage":{"Path":"` + plant + `"}}`
	if err := os.WriteFile(plant+".info", []byte(info), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(plant, content, 0o600); err != nil {
		t.Fatal(err)
	}
	return plant
}

// TestUploadNames sends photos whose file name, id or owner id (in the
// form and in tus metadata) climbs out of the data folder: the photo is
// stored under its content's key or refused, and nothing appears beside
// the data folder.
func TestUploadNames(t *testing.T) {
	t.Parallel()
	var root string
	var canary []byte
	backendsWith(t, func(c *config.Config) {
		root = c.DataDir
		canary = writeCanary(t, root)
		c.DataDir = filepath.Join(root, "data")
	}, func(t *testing.T, env *testenv.Env) {
		w := newWorld(t, env)
		tok, visit := w.sides[0].owner.Token, w.sides[0].ids["visit"]
		for i, name := range []string{"../../../canary.txt", `..\..\..\canary.txt`, "/etc/passwd", "a\x00.jpg", strings.Repeat("x", 5000)} {
			jpg := phototest.JPEG(16, 16, 1000+i, nil)
			for _, fields := range []map[string]string{
				{"id": uuid.NewString(), "owner_type": "visit", "owner_id": visit, "filename": name},
				{"id": name, "owner_type": "visit", "owner_id": visit},
				{"id": uuid.NewString(), "owner_type": "visit", "owner_id": name},
				{"id": uuid.NewString(), "owner_type": name, "owner_id": visit},
			} {
				body, ct := namedPhotoForm(fields, name, jpg)
				if r := w.do(t, "POST", tok, call{path: "/api/v1/photos", body: body, headers: []string{"Content-Type", ct}}); r.Status >= 500 {
					t.Errorf("form %q: %d %.200s", name, r.Status, r.Body)
				}
				meta := tusMeta(fields)
				r := w.do(t, "POST", tok, call{path: "/api/v1/uploads/", headers: tusHeaders("Upload-Length", strconv.Itoa(len(jpg)), "Upload-Metadata", meta)})
				if r.Status >= 500 {
					t.Errorf("tus %q: %d %.200s", name, r.Status, r.Body)
				}
			}
		}
		checkOnlyData(t, root, canary, "data")
	})
}

// namedPhotoForm is a photo form with fields and a file part named name.
func namedPhotoForm(fields map[string]string, name string, file []byte) ([]byte, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, k := range []string{"id", "owner_type", "owner_id", "filename"} {
		if v, ok := fields[k]; ok {
			_ = mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(file)
	_ = mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// tusMeta encodes fields as Upload-Metadata.
func tusMeta(fields map[string]string) string {
	var pairs []string
	for k, v := range fields {
		pairs = append(pairs, k+" "+base64.StdEncoding.EncodeToString([]byte(v)))
	}
	return strings.Join(pairs, ",")
}
