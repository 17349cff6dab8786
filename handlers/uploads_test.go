package handlers_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/phototest"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// tusClient is a small client of the tus 1.0 protocol, as a phone's
// would be: create, ask the offset, append.
type tusClient struct {
	t     *testing.T
	env   *testenv.Env
	token string
}

// tusResp is a response read whole.
type tusResp struct {
	status int
	header http.Header
	body   []byte
}

func (c tusClient) do(method, url string, body io.Reader, size int64, headers ...string) (*tusResp, error) {
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		return nil, err
	}
	req.ContentLength = size
	req.Header.Set("Tus-Resumable", "1.0.0")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	testenv.Observe(req, res, b)
	return &tusResp{status: res.StatusCode, header: res.Header, body: b}, nil
}

func (c tusClient) must(method, url string, body []byte, headers ...string) *tusResp {
	c.t.Helper()
	r, err := c.do(method, url, bytes.NewReader(body), int64(len(body)), headers...)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, url, err)
	}
	return r
}

// create starts an upload of size bytes with the photo form as metadata.
func (c tusClient) create(size int, meta map[string]string) *tusResp {
	keys := make([]string, 0, len(meta))
	for k := range meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var pairs []string
	for _, k := range keys {
		pairs = append(pairs, k+" "+base64.StdEncoding.EncodeToString([]byte(meta[k])))
	}
	return c.must("POST", c.env.Server.URL+"/api/v1/uploads/", nil,
		"Upload-Length", strconv.Itoa(size), "Upload-Metadata", strings.Join(pairs, ","))
}

// offset asks the server how much of the upload it has.
func (c tusClient) offset(url string) (int64, int) {
	r := c.must("HEAD", url, nil)
	n, _ := strconv.ParseInt(r.header.Get("Upload-Offset"), 10, 64)
	return n, r.status
}

// patch appends data at offset.
func (c tusClient) patch(url string, offset int64, data []byte) *tusResp {
	return c.must("PATCH", url, data, "Content-Type", "application/offset+octet-stream", "Upload-Offset", strconv.FormatInt(offset, 10))
}

// patchCut sends a PATCH announcing all of data but whose connection drops
// after cut bytes, as a phone losing its signal would.
func (c tusClient) patchCut(url string, data []byte, cut int) {
	pr, pw := io.Pipe()
	go func() {
		_, _ = pw.Write(data[:cut])
		time.Sleep(50 * time.Millisecond) // let the bytes reach the server
		pw.CloseWithError(errors.New("signal lost"))
	}()
	_, err := c.do("PATCH", url, pr, int64(len(data)), "Content-Type", "application/offset+octet-stream", "Upload-Offset", "0")
	if err == nil {
		c.t.Fatalf("the cut PATCH went through")
	}
}

func testTusUploadResumes(t *testing.T, env *testenv.Env) {
	alice := env.NewUser(models.RoleCommissioner, townshipHuabu)
	visit := newVisit(t, env, alice.Commissioner, villageHuayang, photoTime(2024, 5, 21, 9, 0))
	data := phototest.JPEG(200, 150, 11, &phototest.Exif{Taken: photoTime(2024, 5, 21, 10, 0)})
	c := tusClient{t: t, env: env, token: alice.Token}
	id := models.NewID()
	r := c.create(len(data), photoFields(id, "visit", visit.ID))
	if r.status != http.StatusCreated || r.header.Get("Location") == "" {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	loc := r.header.Get("Location")
	cut := len(data) * 6 / 10
	c.patchCut(loc, data, cut)
	// The server keeps what it received; ask until the interrupted
	// request has been wound up (bounded).
	var off int64
	for i := 0; i < 100 && off != int64(cut); i++ {
		var status int
		if off, status = c.offset(loc); status != http.StatusOK {
			t.Fatalf("HEAD: %d", status)
		}
		if off != int64(cut) {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if off != int64(cut) {
		t.Fatalf("server has %d of the %d bytes sent", off, cut)
	}
	r = c.patch(loc, off, data[off:])
	if r.status != http.StatusNoContent || r.header.Get("Photo-Id") != id {
		t.Fatalf("resume: %d %v %s", r.status, r.header, r.body)
	}
	var p photoResp
	env.Do("GET", "/api/v1/photos/"+id, alice.Token, nil).Decode(t, &p)
	if p.SHA256 != sha(data) || p.Size != int64(len(data)) || p.Width != 200 || p.Height != 150 || !p.TakenAt.Equal(photoTime(2024, 5, 21, 10, 0)) {
		t.Fatalf("photo %+v", p)
	}
	if status, got, _ := fetch(t, env, alice.Token, p.URL); status != 200 || !bytes.Equal(got, data) {
		t.Fatalf("content: %d", status)
	}
	// A finished upload lives on only as its photo.
	if _, status := c.offset(loc); status != http.StatusNotFound {
		t.Fatalf("HEAD after finish: %d", status)
	}
	objectID := strings.SplitN(loc[strings.LastIndex(loc, "/")+1:], "+", 2)[0]
	if keys := storedKeys(t, env, "uploads/"+objectID); len(keys) != 0 {
		t.Fatalf("upload objects left: %v", keys)
	}
	// The same bytes again under a new id: a second photo, one object.
	id2 := models.NewID()
	loc = c.create(len(data), photoFields(id2, "visit", visit.ID)).header.Get("Location")
	if r := c.patch(loc, 0, data); r.status != http.StatusNoContent {
		t.Fatalf("second upload: %d %s", r.status, r.body)
	}
	var n int64
	env.DB().Model(&models.Photo{}).Where("sha256 = ?", sha(data)).Count(&n)
	if keys := storedKeys(t, env, models.PhotoKey(sha(data))); len(keys) != 1 || n != 2 {
		t.Fatalf("stored %v for %d photos", keys, n)
	}
}

// A replica killed while it held an upload's lock leaves a lease nobody
// renews. The phone resuming the upload on another (or the restarted)
// replica waits for that lease to run out and gets through: no 503.
func testTusLockOfACrashedReplica(t *testing.T, env *testenv.Env) {
	alice := env.NewUser(models.RoleCommissioner, townshipHuabu)
	visit := newVisit(t, env, alice.Commissioner, villageHuayang, photoTime(2024, 5, 22, 9, 0))
	data := phototest.JPEG(120, 90, 12, nil)
	c := tusClient{t: t, env: env, token: alice.Token}
	id := models.NewID()
	loc := c.create(len(data), photoFields(id, "visit", visit.ID)).header.Get("Location")
	upload, err := url.PathUnescape(loc[strings.LastIndex(loc, "/")+1:])
	if err != nil {
		t.Fatal(err)
	}
	// The crashed replica took the lock with a full lease just before.
	ok, err := env.DB().TryLockUpload(context.Background(), upload, "crashed-replica/"+models.NewID(), 15*time.Second)
	if err != nil || !ok {
		t.Fatalf("take the lock as the crashed replica: %v %v", ok, err)
	}
	if r := c.patch(loc, 0, data); r.status != http.StatusNoContent || r.header.Get("Photo-Id") != id {
		t.Fatalf("PATCH after the crashed replica's lease: %d %s", r.status, r.body)
	}
}

func testTusUploadRefusals(t *testing.T, env *testenv.Env) {
	alice := env.NewUser(models.RoleCommissioner, townshipHuabu)
	bob := env.NewUser(models.RoleCommissioner, townshipHuabu)
	visit := newVisit(t, env, alice.Commissioner, villageHuayang, photoTime(2024, 5, 21, 9, 0))
	c := tusClient{t: t, env: env, token: alice.Token}
	for _, tc := range []struct {
		name   string
		client tusClient
		size   int
		meta   map[string]string
		status int
		code   string
	}{
		{"unauthenticated", tusClient{t: t, env: env}, 100, photoFields(models.NewID(), "visit", visit.ID), 401, "unauthorized"},
		{"someone else's visit", tusClient{t: t, env: env, token: bob.Token}, 100, photoFields(models.NewID(), "visit", visit.ID), 404, "not_found"},
		{"no owner", c, 100, map[string]string{"id": models.NewID()}, 422, "validation_failed"},
		{"over the limit", c, photoLimit + 1, photoFields(models.NewID(), "visit", visit.ID), 413, "payload_too_large"},
	} {
		r := tc.client.create(tc.size, tc.meta)
		var e struct {
			Error struct{ Code string } `json:"error"`
		}
		_ = json.Unmarshal(r.body, &e)
		if r.status != tc.status || e.Error.Code != tc.code {
			t.Errorf("%s: %d %s", tc.name, r.status, r.body)
		}
	}
	text := []byte(strings.Repeat("not a photo at all. ", 10))
	loc := c.create(len(text), photoFields(models.NewID(), "visit", visit.ID)).header.Get("Location")
	if r := (tusClient{t: t, env: env, token: bob.Token}).patch(loc, 0, text); r.status != http.StatusNotFound {
		t.Fatalf("bob writing alice's upload: %d %s", r.status, r.body)
	}
	if r := c.patch(loc, 5, text[5:]); r.status != http.StatusConflict || !strings.Contains(string(r.body), `"conflict"`) {
		t.Fatalf("wrong offset: %d %s", r.status, r.body)
	}
	if r := c.patch(loc, 0, text); r.status != http.StatusUnsupportedMediaType || !strings.Contains(string(r.body), `"unsupported_media_type"`) {
		t.Fatalf("text: %d %s", r.status, r.body)
	}
	if off, _ := c.offset(loc); off != 0 {
		t.Fatalf("text stored: offset %d", off)
	}
	// A truncated photo is refused when it is complete, and nothing stays.
	jpg := phototest.JPEG(64, 64, 12, nil)
	half := jpg[:len(jpg)/2]
	loc = c.create(len(half), photoFields(models.NewID(), "visit", visit.ID)).header.Get("Location")
	if r := c.patch(loc, 0, half); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("truncated: %d %s", r.status, r.body)
	}
	if keys := storedKeys(t, env, models.PhotoKey(sha(half))); len(keys) != 0 {
		t.Fatalf("stored %v", keys)
	}
}
