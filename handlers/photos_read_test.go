package handlers_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/phototest"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

func testPhotoReadScope(t *testing.T, env *testenv.Env) {
	alice := env.NewUser(models.RoleCommissioner, townshipHuabu)
	bob := env.NewUser(models.RoleCommissioner, townshipHuabu)
	huabu := env.NewUser(models.RoleTownship, townshipHuabu)
	majin := env.NewUser(models.RoleTownship, townshipMajin)
	bureau := env.NewUser(models.RoleBureau, "330824")
	visit := newVisit(t, env, alice.Commissioner, villageHuayang, photoTime(2024, 5, 21, 9, 0))
	other := newVisit(t, env, alice.Commissioner, villageMaolikan, photoTime(2024, 5, 22, 9, 0))
	jpg := phototest.JPEG(32, 24, 21, nil)
	ids := []string{models.NewID(), models.NewID(), models.NewID()}
	for i, id := range ids {
		file := phototest.JPEG(32, 24, 30+i, nil)
		if i == 0 {
			file = jpg
		}
		if r := upload(env, alice.Token, photoFields(id, "visit", visit.ID), file); r.Status != 201 {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
	}
	if r := upload(env, alice.Token, photoFields(models.NewID(), "visit", other.ID), jpg); r.Status != 201 {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	for _, c := range []struct {
		name   string
		token  string
		status int
	}{
		{"owner", alice.Token, 200},
		{"another commissioner", bob.Token, 404},
		{"its township", huabu.Token, 200},
		{"another township", majin.Token, 404},
		{"its county bureau", bureau.Token, 200},
		{"admin", env.Admin(), 200},
	} {
		if r := env.Do("GET", "/api/v1/photos/"+ids[0], c.token, nil); r.Status != c.status {
			t.Errorf("%s: get %d", c.name, r.Status)
		}
		status, got, _ := fetch(t, env, c.token, "/api/v1/photos/"+ids[0]+"/content")
		if status != c.status || (status == 200 && !bytes.Equal(got, jpg)) {
			t.Errorf("%s: content %d", c.name, status)
		}
	}
	// Listing one visit's photos, a page of two then one.
	path := "/api/v1/photos?owner_type=visit&owner_id=" + visit.ID + "&limit=2"
	var page struct {
		Items      []photoResp `json:"items"`
		NextCursor string      `json:"next_cursor"`
	}
	env.Do("GET", path, huabu.Token, nil).Decode(t, &page)
	if len(page.Items) != 2 || page.NextCursor == "" {
		t.Fatalf("page 1: %+v", page)
	}
	seen := map[string]bool{page.Items[0].ID: true, page.Items[1].ID: true}
	cursor := page.NextCursor
	page.Items, page.NextCursor = nil, ""
	env.Do("GET", path+"&cursor="+cursor, huabu.Token, nil).Decode(t, &page)
	if len(page.Items) != 1 || page.NextCursor != "" {
		t.Fatalf("page 2: %+v", page)
	}
	seen[page.Items[0].ID] = true
	if !seen[ids[0]] || !seen[ids[1]] || !seen[ids[2]] {
		t.Fatalf("pages hold %v, want %v", seen, ids)
	}
	page.Items = nil
	env.Do("GET", path, bob.Token, nil).Decode(t, &page)
	if len(page.Items) != 0 {
		t.Fatalf("bob sees %d photos", len(page.Items))
	}
	for _, bad := range []string{"/api/v1/photos?owner_type=harvest", "/api/v1/photos?cursor=%21%21", "/api/v1/photos?limit=0"} {
		if r := env.Do("GET", bad, alice.Token, nil); r.Status != http.StatusBadRequest {
			t.Errorf("%s: %d", bad, r.Status)
		}
	}
	// Deleting: not by another township's user, nor by the township
	// (which reads, and does not own photos).
	if r := env.Do("DELETE", "/api/v1/photos/"+ids[2], majin.Token, nil); r.Status != 404 {
		t.Fatalf("delete by another township: %d", r.Status)
	}
	if r := env.Do("DELETE", "/api/v1/photos/"+ids[2], huabu.Token, nil); r.Status != 403 {
		t.Fatalf("delete by the township: %d", r.Status)
	}
	if r := env.Do("DELETE", "/api/v1/photos/"+ids[2], alice.Token, nil); r.Status != 204 {
		t.Fatalf("delete by the owner: %d", r.Status)
	}
}

func testPhotoThumbnail(t *testing.T, env *testenv.Env) {
	alice := env.NewUser(models.RoleCommissioner, townshipHuabu)
	visit := newVisit(t, env, alice.Commissioner, villageHuayang, photoTime(2024, 5, 21, 9, 0))
	wide, upright := models.NewID(), models.NewID()
	// 400×300 scales to 320×240; a 200×100 photo taken with the phone
	// turned (EXIF orientation 6) is shown 100×200.
	for _, up := range []struct {
		id   string
		file []byte
	}{
		{wide, phototest.JPEG(400, 300, 41, nil)},
		{upright, phototest.JPEG(200, 100, 42, &phototest.Exif{Orientation: 6})},
	} {
		if r := upload(env, alice.Token, photoFields(up.id, "visit", visit.ID), up.file); r.Status != 201 {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
	}
	heic, heicBytes := models.NewID(), phototest.HEIC(4032, 3024, make([]byte, 100))
	if r := upload(env, alice.Token, photoFields(heic, "visit", visit.ID), heicBytes); r.Status != 201 {
		t.Fatalf("heic: %d %s", r.Status, r.Body)
	}
	for _, c := range []struct {
		id   string
		w, h int
	}{{wide, 320, 240}, {upright, 100, 200}} {
		p := waitThumbnail(t, env, alice.Token, c.id)
		status, b, _ := fetch(t, env, alice.Token, *p.ThumbnailURL)
		if status != 200 {
			t.Fatalf("thumbnail: %d", status)
		}
		img, err := jpeg.Decode(bytes.NewReader(b))
		if err != nil || img.Bounds() != image.Rect(0, 0, c.w, c.h) {
			t.Fatalf("thumbnail of %s: %v %v", c.id, err, img.Bounds())
		}
	}
	// Go decodes no HEIC: its job ends without a thumbnail.
	for i := 0; i < 100; i++ {
		var n int64
		env.DB().Model(&models.PhotoJob{}).Where("sha256 = ?", sha(heicBytes)).Count(&n)
		if n == 0 {
			break
		}
		waitThumbnail(t, env, alice.Token, wide) // a short, bounded pause
	}
	var p photoResp
	env.Do("GET", "/api/v1/photos/"+heic, alice.Token, nil).Decode(t, &p)
	if p.ThumbnailURL != nil || p.Width != 4032 || p.ContentType != "image/heic" {
		t.Fatalf("heic %+v", p)
	}
	if r := env.Do("GET", "/api/v1/photos/"+heic+"/thumbnail", alice.Token, nil); r.Status != 404 {
		t.Fatalf("heic thumbnail: %d", r.Status)
	}
}
