package handlers_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"mime/multipart"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
	"github.com/tepai/tepai/storage"
)

// Villages of Kaihua County used by the photo tests.
const (
	villageHuayang  = "330824115200" // 华阳村委会, 华埠镇
	villageMaolikan = "330824115201" // 毛力坑村委会, 华埠镇
	townshipHuabu   = "330824115"
	townshipMajin   = "330824116"
)

// photoLimit is the photo size limit of the photo tests' servers.
const photoLimit = 64 << 10

// photoBackends runs fn on each backend (SQLite and local disk; MariaDB and
// MinIO when configured) with a server whose photo limit is photoLimit.
func photoBackends(t *testing.T, fn func(t *testing.T, env *testenv.Env)) {
	run := func(backend string) func(t *testing.T) {
		return func(t *testing.T) {
			cfg := testenv.Config(t, backend)
			cfg.MaxPhotoBytes = photoLimit
			fn(t, testenv.NewWithConfig(t, backend, cfg))
		}
	}
	t.Run("sqlite", run("sqlite"))
	if testenv.MySQLAvailable() {
		t.Run("mysql", run("mysql"))
	}
}

// newVisit stores a visit of c directly in the database.
func newVisit(t testing.TB, env *testenv.Env, c *models.Commissioner, village string, start time.Time) *models.Visit {
	t.Helper()
	now := models.Now()
	v := &models.Visit{Meta: models.Meta{ID: models.NewID(), CommissionerID: c.ID, Version: 1, CreatedAt: now, UpdatedAt: now},
		VillageCode: village, StartedAt: start.UTC(), EndedAt: start.Add(2 * time.Hour).UTC(),
		VisitDate: start.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02"), Category: "栽培技术", ReceivedAt: now}
	if err := env.DB().Create(v).Error; err != nil {
		t.Fatalf("create visit: %v", err)
	}
	return v
}

// newTraining stores a training of c directly in the database.
func newTraining(t *testing.T, env *testenv.Env, c *models.Commissioner, region string, at time.Time) *models.Training {
	t.Helper()
	now := models.Now()
	tr := &models.Training{Meta: models.Meta{ID: models.NewID(), CommissionerID: c.ID, Version: 1, CreatedAt: now, UpdatedAt: now},
		RegionCode: region, Title: "茶园管理培训", HeldAt: at.UTC(), HeldDate: at.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02"), Hours: 2, Attendees: 30}
	if err := env.DB().Create(tr).Error; err != nil {
		t.Fatalf("create training: %v", err)
	}
	return tr
}

// cst makes a time in Asia/Shanghai.
func photoTime(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.FixedZone("CST", 8*3600))
}

// upload posts a multipart photo form: the fields first, then the file.
func upload(env *testenv.Env, token string, fields map[string]string, file []byte) *testenv.Resp {
	env.T.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		_ = mw.WriteField(k, fields[k])
	}
	if file != nil {
		w, _ := mw.CreateFormFile("file", "photo.jpg")
		_, _ = w.Write(file)
	}
	_ = mw.Close()
	return env.Do(http.MethodPost, "/api/v1/photos", token, body.Bytes(), "Content-Type", mw.FormDataContentType())
}

// photoFields are the form fields attaching a photo to a visit.
func photoFields(id, ownerType, ownerID string) map[string]string {
	return map[string]string{"id": id, "owner_type": ownerType, "owner_id": ownerID}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// storedKeys lists the store's keys under prefix.
func storedKeys(t *testing.T, env *testenv.Env, prefix string) []string {
	t.Helper()
	var keys []string
	err := env.App.Deps.Store.List(context.Background(), prefix, func(i storage.Info) error {
		keys = append(keys, i.Key)
		return nil
	})
	if err != nil {
		t.Fatalf("list %s: %v", prefix, err)
	}
	sort.Strings(keys)
	return keys
}

// photoResp is the part of a photo response the tests look at.
type photoResp struct {
	ID           string     `json:"id"`
	OwnerType    string     `json:"owner_type"`
	OwnerID      string     `json:"owner_id"`
	SHA256       string     `json:"sha256"`
	Size         int64      `json:"size"`
	ContentType  string     `json:"content_type"`
	Width        int        `json:"width"`
	Height       int        `json:"height"`
	TakenAt      *time.Time `json:"taken_at"`
	Lat          *float64   `json:"lat"`
	Lng          *float64   `json:"lng"`
	URL          string     `json:"url"`
	ThumbnailURL *string    `json:"thumbnail_url"`
}

// waitThumbnail polls the photo until the background job has made its
// thumbnail (at most 30 s).
func waitThumbnail(t *testing.T, env *testenv.Env, token, id string) photoResp {
	t.Helper()
	var p photoResp
	for i := 0; i < 300; i++ {
		env.Do("GET", "/api/v1/photos/"+id, token, nil).Decode(t, &p)
		if p.ThumbnailURL != nil {
			return p
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no thumbnail for %s", id)
	return p
}

// visitFlags reads a visit's flags from the database.
func visitFlags(t *testing.T, env *testenv.Env, id string) string {
	t.Helper()
	var v models.Visit
	if err := env.DB().Where("id = ?", id).Take(&v).Error; err != nil {
		t.Fatal(err)
	}
	return strings.Join(v.Flags, ",")
}

// fetch GETs a photo's content or thumbnail as a phone would: with the
// token on the API, and without it on the signed URL the API may redirect
// to. It returns the final status, the bytes and whether it was redirected.
func fetch(t *testing.T, env *testenv.Env, token, path string) (int, []byte, bool) {
	t.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("GET", env.Server.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusFound {
		b, _ := io.ReadAll(res.Body)
		testenv.Observe(req, res, b)
		return res.StatusCode, b, false
	}
	testenv.Observe(req, res, nil)
	signed, err := http.Get(res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	defer signed.Body.Close()
	b, _ := io.ReadAll(signed.Body)
	return signed.StatusCode, b, true
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
