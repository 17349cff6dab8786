package handlers_test

import (
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/phototest"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

func testPhotoUpload(t *testing.T, env *testenv.Env) {
	alice := env.NewUser(models.RoleCommissioner, townshipHuabu)
	bob := env.NewUser(models.RoleCommissioner, townshipHuabu)
	township := env.NewUser(models.RoleTownship, townshipHuabu)
	visit := newVisit(t, env, alice.Commissioner, villageHuayang, photoTime(2024, 5, 21, 9, 0))
	bobsVisit := newVisit(t, env, bob.Commissioner, villageHuayang, photoTime(2024, 5, 21, 9, 0))

	taken := photoTime(2024, 5, 21, 9, 30)
	jpg := phototest.JPEG(64, 48, 1, &phototest.Exif{Taken: taken, Lat: 29.1365, Lng: 118.4132})
	pngBytes := phototest.PNG(20, 10, 2)
	big := phototest.JPEG(800, 600, 3, nil) // over the 64 KiB test limit
	if len(big) <= 64<<10 {
		t.Fatalf("fixture too small: %d", len(big))
	}
	id1, id2 := models.NewID(), models.NewID()

	cases := []struct {
		name   string
		token  string
		fields map[string]string
		file   []byte
		status int
		code   string
	}{
		{"unauthenticated", "", photoFields(models.NewID(), "visit", visit.ID), jpg, 401, "unauthorized"},
		{"text renamed .jpg", alice.Token, photoFields(models.NewID(), "visit", visit.ID), []byte("this is a note, not a photo"), 415, "unsupported_media_type"},
		{"over the size limit", alice.Token, photoFields(models.NewID(), "visit", visit.ID), big, 413, "payload_too_large"},
		{"truncated jpeg", alice.Token, photoFields(models.NewID(), "visit", visit.ID), jpg[:len(jpg)/2], 422, "validation_failed"},
		{"unknown owner type", alice.Token, photoFields(models.NewID(), "harvest", visit.ID), jpg, 422, "validation_failed"},
		{"bad id", alice.Token, photoFields("not-a-uuid", "visit", visit.ID), jpg, 422, "validation_failed"},
		{"no file", alice.Token, photoFields(models.NewID(), "visit", visit.ID), nil, 422, "validation_failed"},
		{"someone else's visit", alice.Token, photoFields(models.NewID(), "visit", bobsVisit.ID), jpg, 404, "not_found"},
		{"missing visit", alice.Token, photoFields(models.NewID(), "visit", models.NewID()), jpg, 404, "not_found"},
		{"township user", township.Token, photoFields(models.NewID(), "visit", visit.ID), jpg, 404, "not_found"},
		{"jpeg", alice.Token, photoFields(id1, "visit", visit.ID), jpg, 201, ""},
		{"same id again", alice.Token, photoFields(id1, "visit", visit.ID), jpg, 200, ""},
		{"same id, other bytes", alice.Token, photoFields(id1, "visit", visit.ID), pngBytes, 409, "conflict"},
		{"png", alice.Token, photoFields(id2, "visit", visit.ID), pngBytes, 201, ""},
	}
	for _, c := range cases {
		r := upload(env, c.token, c.fields, c.file)
		if r.Status != c.status || r.ErrorCode() != c.code {
			t.Errorf("%s: %d %s", c.name, r.Status, r.Body)
		}
		if c.status == 201 && r.Header.Get("ETag") != `"1"` {
			t.Errorf("%s: ETag %q", c.name, r.Header.Get("ETag"))
		}
	}
	// Refused uploads stored nothing: two photos, two objects.
	for _, c := range []struct {
		file   []byte
		stored bool
	}{{jpg, true}, {pngBytes, true}, {big, false}, {jpg[:len(jpg)/2], false}} {
		if keys := storedKeys(t, env, models.PhotoKey(sha(c.file))); (len(keys) == 1) != c.stored {
			t.Fatalf("stored %v", keys)
		}
	}
	if keys := storedKeys(t, env, "tmp/"); len(keys) != 0 {
		t.Fatalf("temporary objects left: %v", keys)
	}

	var p photoResp
	env.Do("GET", "/api/v1/photos/"+id1, alice.Token, nil).Decode(t, &p)
	if p.SHA256 != sha(jpg) || p.Size != int64(len(jpg)) || p.ContentType != "image/jpeg" || p.Width != 64 || p.Height != 48 {
		t.Fatalf("photo %+v", p)
	}
	// EXIF said 09:30 in Kaihua, 29°8'11.40"N 118°24'47.52"E.
	if p.TakenAt == nil || !p.TakenAt.Equal(taken) || math.Abs(*p.Lat-29.1365) > 1e-5 || math.Abs(*p.Lng-118.4132) > 1e-5 {
		t.Fatalf("exif: %v %v %v", p.TakenAt, p.Lat, p.Lng)
	}
	if p.URL != "/api/v1/photos/"+id1+"/content" || p.OwnerType != "visit" || p.OwnerID != visit.ID {
		t.Fatalf("photo %+v", p)
	}
	env.Do("GET", "/api/v1/photos/"+id2, alice.Token, nil).Decode(t, &p)
	if p.ContentType != "image/png" || p.Width != 20 || p.Height != 10 || p.TakenAt != nil {
		t.Fatalf("png %+v", p)
	}
	// Every photo write left an audit entry of type photo.
	var n int64
	env.DB().Table("audit_entries").Where("record_type = ? AND action = ? AND record_id IN ?", "photo", "create", []string{id1, id2}).Count(&n)
	if n != 2 {
		t.Fatalf("audit entries: %d", n)
	}
}

func testPhotoFormFields(t *testing.T, env *testenv.Env) {
	alice := env.NewUser(models.RoleCommissioner, townshipHuabu)
	tr := newTraining(t, env, alice.Commissioner, townshipHuabu, photoTime(2024, 6, 1, 14, 0))
	id := models.NewID()
	fields := photoFields(id, "training", tr.ID)
	fields["taken_at"], fields["lat"], fields["lng"] = "2024-06-01T14:20:00+08:00", "29.2", "118.3"
	r := upload(env, alice.Token, fields, phototest.JPEG(32, 32, 5, nil))
	if r.Status != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	var p photoResp
	r.Decode(t, &p)
	// Without EXIF the phone's time and place are kept.
	if !p.TakenAt.Equal(photoTime(2024, 6, 1, 14, 20)) || *p.Lat != 29.2 || *p.Lng != 118.3 {
		t.Fatalf("photo %+v", p)
	}
	bad := photoFields(models.NewID(), "training", tr.ID)
	bad["taken_at"], bad["lat"], bad["lng"] = "yesterday", "91", "118.3"
	r = upload(env, alice.Token, bad, phototest.JPEG(32, 32, 6, nil))
	var details []string
	for _, d := range r.JSON()["error"].(map[string]any)["details"].([]any) {
		details = append(details, d.(map[string]any)["field"].(string))
	}
	if r.Status != 422 || strings.Join(details, ",") != "taken_at,lat" {
		t.Fatalf("bad fields: %d %s", r.Status, r.Body)
	}
}

func testPhotoDedupe(t *testing.T, env *testenv.Env) {
	alice := env.NewUser(models.RoleCommissioner, townshipHuabu)
	v1 := newVisit(t, env, alice.Commissioner, villageHuayang, photoTime(2024, 5, 21, 9, 0))
	v2 := newVisit(t, env, alice.Commissioner, villageHuayang, photoTime(2024, 5, 21, 14, 0))
	jpg := phototest.JPEG(48, 48, 7, nil)
	a, b := models.NewID(), models.NewID()
	for _, up := range []struct{ id, visit string }{{a, v1.ID}, {b, v2.ID}} {
		if r := upload(env, alice.Token, photoFields(up.id, "visit", up.visit), jpg); r.Status != 201 {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
	}
	if keys := storedKeys(t, env, models.PhotoKey(sha(jpg))); len(keys) != 1 {
		t.Fatalf("stored %v", keys)
	}
	// Deleting one photo keeps the bytes the other still needs.
	if r := env.Do("DELETE", "/api/v1/photos/"+a, alice.Token, nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	if status, got, _ := fetch(t, env, alice.Token, "/api/v1/photos/"+b+"/content"); status != 200 || sha(got) != sha(jpg) {
		t.Fatalf("content after deleting the twin: %d", status)
	}
	if keys := storedKeys(t, env, models.PhotoKey(sha(jpg))); len(keys) != 1 {
		t.Fatalf("stored %v", keys)
	}
	if r := env.Do("DELETE", "/api/v1/photos/"+b, alice.Token, nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	if keys := storedKeys(t, env, models.PhotoKey(sha(jpg))); len(keys) != 0 {
		t.Fatalf("bytes of deleted photos kept: %v", keys)
	}
	if r := env.Do("GET", "/api/v1/photos/"+a, alice.Token, nil); r.Status != 404 {
		t.Fatalf("deleted photo: %d", r.Status)
	}
	// The id of a deleted photo cannot be used again.
	if r := upload(env, alice.Token, photoFields(a, "visit", v1.ID), jpg); r.Status != 409 {
		t.Fatalf("reuse of a deleted id: %d %s", r.Status, r.Body)
	}
}

// TestPhotos runs the photo scenarios on one server per backend (starting
// one costs more than most scenarios); each makes its own users and records.
func TestPhotos(t *testing.T) {
	photoBackends(t, func(t *testing.T, env *testenv.Env) {
		for _, s := range []struct {
			name string
			fn   func(*testing.T, *testenv.Env)
		}{
			{"upload", testPhotoUpload},
			{"form fields", testPhotoFormFields},
			{"dedupe", testPhotoDedupe},
			{"read scope", testPhotoReadScope},
			{"thumbnail", testPhotoThumbnail},
			{"visit flags", testVisitPhotoFlags},
			{"time tolerance", testPhotoTimeTolerance},
			{"tus resumes", testTusUploadResumes},
			{"tus interrupted often", testTusInterruptedOften},
			{"tus lock of a crashed replica", testTusLockOfACrashedReplica},
			{"tus refusals", testTusUploadRefusals},
			{"openapi", testPhotoResponsesMatchOpenAPI},
		} {
			t.Run(s.name, func(t *testing.T) { s.fn(t, env) })
		}
	})
}
