package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/loadgen"
)

// probeVillage is 华山村 of 桐村镇, Kaihua, a rural village.
const probeVillage = "330824106200"

var probeSeq atomic.Int32

// probe is a commissioner of the test's own that sends single requests
// without retrying, to see exactly what the server answers.
type probe struct {
	t     testing.TB
	url   string
	token string
	visit string // a visit of the probe's, to hang photos on
}

// answer is one response read whole.
type answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// call sends one request; a network failure fails the test.
func call(t testing.TB, method, url, token, contentType string, body []byte) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{res.StatusCode, res.Header, b}
}

func callJSON(t testing.TB, method, url, token string, in any) answer {
	t.Helper()
	b, _ := json.Marshal(in)
	return call(t, method, url, token, "application/json", b)
}

// login logs in and returns the access token.
func login(t testing.TB, url, phone, password string) string {
	t.Helper()
	a := callJSON(t, "POST", url+"/api/v1/auth/login", "", map[string]string{"phone": phone, "password": password})
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if a.Status != 200 || json.Unmarshal(a.Body, &out) != nil {
		t.Fatalf("login %s: %d %s", phone, a.Status, a.Body)
	}
	return out.AccessToken
}

// newProbe makes a commissioner assigned to probeVillage through the API
// and pushes one visit for it.
func newProbe(t testing.TB, url string) *probe {
	t.Helper()
	admin := login(t, url, testenv.AdminPhone, testenv.AdminPassword)
	phone, password := fmt.Sprintf("166%08d", probeSeq.Add(1)), "probe-password-1"
	a := callJSON(t, "POST", url+"/api/v1/commissioners", admin, map[string]string{
		"name": "探针特派员", "phone": phone, "password": password, "level": "county", "organization": "县科技局",
		"specialty": "茶叶", "batch": "第十四批", "term_start": "2024-01-01", "term_end": "2026-12-31", "region_code": "330824"})
	var c struct {
		ID string `json:"id"`
	}
	if a.Status != 201 || json.Unmarshal(a.Body, &c) != nil {
		t.Fatalf("create commissioner: %d %s", a.Status, a.Body)
	}
	a = callJSON(t, "POST", url+"/api/v1/assignments", admin, map[string]string{
		"commissioner_id": c.ID, "village_code": probeVillage, "start_date": "2024-01-01"})
	if a.Status != 201 {
		t.Fatalf("assign: %d %s", a.Status, a.Body)
	}
	p := &probe{t: t, url: url, token: login(t, url, phone, password)}
	status, result, id := p.push()
	if status != 200 || result != "created" {
		t.Fatalf("probe push: %d %s", status, result)
	}
	p.visit = id
	return p
}

// push sends one new visit and returns the HTTP status, the change's
// result status and the visit's id.
func (p *probe) push() (int, string, string) {
	p.t.Helper()
	v := probeVisit()
	a := callJSON(p.t, "POST", p.url+"/api/v1/sync/push", p.token, map[string]any{"device_id": "probe",
		"changes": []loadgen.Change{{Type: "visit", Op: "upsert", Record: v}}})
	var out struct {
		Results []loadgen.PushResult `json:"results"`
	}
	if a.Status == 200 && (json.Unmarshal(a.Body, &out) != nil || len(out.Results) != 1) {
		p.t.Fatalf("push answer %s", a.Body)
	}
	if a.Status != 200 {
		return a.Status, string(a.Body), v.ID
	}
	return a.Status, out.Results[0].Status, v.ID
}

// photo uploads a new small photo of the probe's visit.
func (p *probe) photo() answer {
	p.t.Helper()
	pool, err := loadgen.NewPhotoPool(1, 4, 1)
	if err != nil {
		p.t.Fatal(err)
	}
	id := uuid.NewString()
	contentType, body := photoForm(id, p.visit, pool.Photo(id, time.Now().Add(-time.Hour), 29.2, 118.3))
	return call(p.t, "POST", p.url+"/api/v1/photos", p.token, contentType, body)
}

// probeVisit is a new visit of the probe's village, two hours ago.
func probeVisit() loadgen.Visit {
	start := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	return loadgen.Visit{ID: uuid.NewString(), VillageCode: probeVillage, StartedAt: start, EndedAt: start.Add(time.Hour),
		Lat: 29.2, Lng: 118.3, AccuracyM: 10, Category: "栽培技术", Crops: []string{"茶叶"}, FarmersServed: 3}
}

// photoForm is the multipart body of POST /photos for the JPEG jpg under
// id, of the visit visitID, and its content type.
func photoForm(id, visitID string, jpg []byte) (contentType string, body []byte) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, kv := range [][2]string{{"id", id}, {"owner_type", "visit"}, {"owner_id", visitID}} {
		_ = w.WriteField(kv[0], kv[1])
	}
	fw, _ := w.CreateFormFile("file", id+".jpg")
	_, _ = fw.Write(jpg)
	_ = w.Close()
	return w.FormDataContentType(), buf.Bytes()
}
