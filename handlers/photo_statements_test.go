package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/phototest"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// An upload of new content takes: its login 1; the owner's row (locked)
// and the id's look-up 2; the content's row 1; the photo, its audit entry
// and its thumbnail job 3; the change log's head and row 2. It does not
// look the owner or the id up twice, and it does not read the visit again
// for its flags when the photo's time is near the visit's.
func TestPhotoUploadStatements(t *testing.T) {
	photoBackends(t, func(t *testing.T, env *testenv.Env) {
		alice := env.NewUser(models.RoleCommissioner, townshipHuabu)
		visit := newVisit(t, env, alice.Commissioner, villageHuayang, photoTime(2024, 5, 21, 9, 0))
		jpg := phototest.JPEG(64, 48, 1, &phototest.Exif{Taken: photoTime(2024, 5, 21, 9, 30)})
		var r *testenv.Resp
		stmts := env.Statements(func() { r = upload(env, alice.Token, photoFields(models.NewID(), "visit", visit.ID), jpg) })
		mustStatus(t, r, http.StatusCreated, "upload")
		t.Logf("%s: an upload ran %d statements", env.Backend, len(stmts))
		if len(stmts) > 9 {
			t.Errorf("%s: an upload ran %d statements, want at most 9:\n%s", env.Backend, len(stmts), strings.Join(stmts, "\n"))
		}
		owners, ids := 0, 0
		for _, s := range stmts {
			switch {
			case strings.Contains(s, "FROM visits WHERE id = ?"):
				owners++
			case strings.HasPrefix(s, "SELECT * FROM `photos` WHERE id = ?"):
				ids++
			case strings.Contains(s, "FROM `visits`") || strings.Contains(s, "DISTINCT `owner_id`"):
				t.Errorf("new content on time refreshed its flags: %s", s)
			}
		}
		if owners != 1 || ids != 1 {
			t.Errorf("the owner was looked up %d times and the id %d times, want once each", owners, ids)
		}
		if got := visitFlags(t, env, visit.ID); got != "" {
			t.Errorf("flags %q after a photo on time", got)
		}
	})
}

// An upload whose bytes are refused and whose owner is not the caller's
// gets the owner's 404, as it did when the owner was checked first; one
// whose id is another photo's gets 409.
func TestPhotoUploadErrorOrder(t *testing.T) {
	photoBackends(t, func(t *testing.T, env *testenv.Env) {
		alice := env.NewUser(models.RoleCommissioner, townshipHuabu)
		bob := env.NewUser(models.RoleCommissioner, townshipHuabu)
		visit := newVisit(t, env, alice.Commissioner, villageHuayang, photoTime(2024, 5, 21, 9, 0))
		bobs := newVisit(t, env, bob.Commissioner, villageHuayang, photoTime(2024, 5, 21, 9, 0))
		jpg := phototest.JPEG(64, 48, 1, nil)
		big := phototest.JPEG(800, 600, 3, nil)
		taken := models.NewID()
		mustStatus(t, upload(env, alice.Token, photoFields(taken, "visit", visit.ID), jpg), http.StatusCreated, "first upload")
		other := newVisit(t, env, alice.Commissioner, villageHuayang, photoTime(2024, 5, 22, 9, 0))
		for _, c := range []struct {
			name   string
			fields map[string]string
			file   []byte
			status int
		}{
			{"text to someone else's visit", photoFields(models.NewID(), "visit", bobs.ID), []byte("not a photo at all"), 404},
			{"too large to someone else's visit", photoFields(models.NewID(), "visit", bobs.ID), big, 404},
			{"truncated to a missing visit", photoFields(models.NewID(), "visit", models.NewID()), jpg[:len(jpg)/2], 404},
			{"text under another photo's id", photoFields(taken, "visit", other.ID), []byte("not a photo at all"), 409},
			{"text to one's own visit", photoFields(models.NewID(), "visit", visit.ID), []byte("not a photo at all"), 415},
			{"too large to one's own visit", photoFields(models.NewID(), "visit", visit.ID), big, 413},
		} {
			r := upload(env, alice.Token, c.fields, c.file)
			if r.Status != c.status {
				t.Errorf("%s: %d %s, want %d", c.name, r.Status, r.Body, c.status)
			}
		}
		var n int64
		env.DB().Model(&models.Photo{}).Count(&n)
		if n != 1 {
			t.Errorf("%d photos stored, want 1", n)
		}
	})
}
