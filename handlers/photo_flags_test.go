package handlers_test

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/phototest"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

func testVisitPhotoFlags(t *testing.T, env *testenv.Env) {
	alice := env.NewUser(models.RoleCommissioner, townshipHuabu)
	bob := env.NewUser(models.RoleCommissioner, townshipHuabu)
	v1 := newVisit(t, env, alice.Commissioner, villageHuayang, photoTime(2024, 5, 21, 9, 0))  // 09:00–11:00
	v2 := newVisit(t, env, alice.Commissioner, villageHuayang, photoTime(2024, 5, 22, 9, 0))  // the next day
	v3 := newVisit(t, env, bob.Commissioner, villageHuayang, photoTime(2024, 5, 21, 9, 0))    // same day, bob
	v4 := newVisit(t, env, alice.Commissioner, villageHuayang, photoTime(2024, 5, 21, 14, 0)) // same day, alice
	// Someone else's flag on v1 stays whatever photos do.
	env.DB().Model(&models.Visit{}).Where("id = ?", v1.ID).Update("flags", `["far_from_village"]`)
	flags := func(v *models.Visit) string {
		t.Helper()
		f := strings.Split(visitFlags(t, env, v.ID), ",")
		sort.Strings(f)
		return strings.Trim(strings.Join(f, ","), ",")
	}
	attach := func(p *testenv.Person, v *models.Visit, file []byte) string {
		t.Helper()
		id := models.NewID()
		if r := upload(env, p.Token, photoFields(id, "visit", v.ID), file); r.Status != 201 {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		return id
	}
	onTime := phototest.JPEG(24, 24, 51, &phototest.Exif{Taken: photoTime(2024, 5, 21, 10, 0)})
	early := phototest.JPEG(24, 24, 52, &phototest.Exif{Taken: photoTime(2024, 5, 10, 10, 0)})

	attach(alice, v1, onTime)
	if got := flags(v1); got != "far_from_village" {
		t.Fatalf("on time: %q", got)
	}
	attach(alice, v1, early) // eleven days before the visit
	if got := flags(v1); got != "far_from_village,photo_time_mismatch" {
		t.Fatalf("early photo: %q", got)
	}
	attach(alice, v4, onTime) // same bytes, same day, same commissioner
	if got := flags(v1) + "|" + flags(v4); got != "far_from_village,photo_time_mismatch|" {
		t.Fatalf("same day reuse: %q", got)
	}
	p4 := attach(alice, v2, onTime) // same bytes, another day
	want := "far_from_village,photo_reused,photo_time_mismatch|photo_reused|photo_reused"
	if got := flags(v1) + "|" + flags(v2) + "|" + flags(v4); got != want {
		t.Fatalf("reuse on another day: %q", got)
	}
	if r := env.Do("DELETE", "/api/v1/photos/"+p4, alice.Token, nil); r.Status != 204 {
		t.Fatalf("delete: %d", r.Status)
	}
	if got := flags(v1) + "|" + flags(v2) + "|" + flags(v4); got != "far_from_village,photo_time_mismatch||" {
		t.Fatalf("after delete: %q", got)
	}
	p5 := attach(bob, v3, onTime) // same bytes, same day, another commissioner
	if got := flags(v1) + "|" + flags(v3) + "|" + flags(v4); got != want {
		t.Fatalf("reuse by another commissioner: %q", got)
	}
	env.Do("DELETE", "/api/v1/photos/"+p5, bob.Token, nil)

	// The visit moves to 10 May: now the 21 May photo is far from it,
	// and v4 (21 May) shares bytes with a visit of another day.
	err := env.DB().Tx(t.Context(), func(tx *gorm.DB) error {
		start := photoTime(2024, 5, 10, 9, 0).UTC()
		if err := tx.Model(&models.Visit{}).Where("id = ?", v1.ID).Updates(map[string]any{"started_at": start, "ended_at": start.Add(2 * time.Hour), "visit_date": "2024-05-10"}).Error; err != nil {
			return err
		}
		return models.RefreshVisitFlags(tx, v1.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := flags(v1) + "|" + flags(v4); got != "far_from_village,photo_reused,photo_time_mismatch|photo_reused" {
		t.Fatalf("after the visit moved: %q", got)
	}
	// Flags are the server's: the visit's version stays, the change
	// log and audit trail have the updates.
	var v models.Visit
	env.DB().Where("id = ?", v1.ID).Take(&v)
	var changes int64
	env.DB().Table("changes").Where("record_type = ? AND record_id = ?", "visit", v1.ID).Count(&changes)
	if v.Version != 1 || changes < 4 {
		t.Fatalf("version %d, %d changes", v.Version, changes)
	}
}

func testPhotoTimeTolerance(t *testing.T, env *testenv.Env) {
	alice := env.NewUser(models.RoleCommissioner, townshipHuabu)
	// The visit ends 1 June 11:00; 72 h later is 4 June 11:00.
	for _, c := range []struct {
		taken time.Time
		want  string
	}{
		{photoTime(2024, 6, 4, 11, 0), ""},
		{photoTime(2024, 6, 4, 11, 1), "photo_time_mismatch"},
		{photoTime(2024, 5, 29, 9, 0), ""},
		{photoTime(2024, 5, 29, 8, 59), "photo_time_mismatch"},
	} {
		v := newVisit(t, env, alice.Commissioner, villageHuayang, photoTime(2024, 6, 1, 9, 0))
		file := phototest.JPEG(16, 16, c.taken.Minute()+c.taken.Day(), &phototest.Exif{Taken: c.taken})
		if r := upload(env, alice.Token, photoFields(models.NewID(), "visit", v.ID), file); r.Status != 201 {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		if got := visitFlags(t, env, v.ID); got != c.want {
			t.Errorf("taken %v: flags %q, want %q", c.taken, got, c.want)
		}
	}
}
