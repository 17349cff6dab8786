package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/phototest"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// TestLowerCasePhotoIDsMigration: a photo stored with an upper-case id
// before ids were lowered (with its change-log and audit rows) is reached
// again by its id once migration 0021 has run; an upper-case twin of a
// photo already stored in lower case keeps its id and stops nothing.
func TestLowerCasePhotoIDsMigration(t *testing.T) {
	photoBackends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", kaihua)
		v := newVisit(t, env, me.Commissioner, huashan, photoTime(2024, 5, 1, 9, 0))
		old, twin := newID(), newID()
		for i, id := range []string{old, twin} {
			if r := upload(env, me.Token, photoFields(id, "visit", v.ID), phototest.JPEG(32, 32, 40+i, nil)); r.Status != http.StatusCreated {
				t.Fatalf("upload: %d %s", r.Status, r.Body)
			}
		}
		db := env.DB()
		// What the old code stored: the first photo under its upper-case
		// id; the second both in lower and in upper case.
		up := strings.ToUpper(old)
		for _, table := range []string{"changes", "audit_entries"} {
			db.Exec("UPDATE "+table+" SET record_id = ? WHERE record_id = ?", up, old)
		}
		db.Exec("UPDATE photos SET id = ? WHERE id = ?", up, old)
		var p models.Photo
		db.Where("id = ?", twin).Take(&p)
		p.ID = strings.ToUpper(twin)
		if err := db.Create(&p).Error; err != nil {
			t.Fatal(err)
		}
		if r := env.Do("GET", "/api/v1/photos/"+old, me.Token, nil); r.Status != http.StatusNotFound {
			t.Fatalf("before the migration: %d", r.Status)
		}
		runMigration(t, db, "0021_lower_case_photo_ids")
		if r := env.Do("GET", "/api/v1/photos/"+up, me.Token, nil); r.Status != http.StatusOK || r.JSON()["id"] != old {
			t.Fatalf("after the migration: %d %s", r.Status, r.Body)
		}
		var ids []string
		db.Table("photos").Order("id").Pluck("id", &ids)
		want := []string{old, twin, strings.ToUpper(twin)}
		if !peopleSameSet(ids, want) {
			t.Fatalf("photo ids %v, want %v", ids, want)
		}
		var upper int64
		db.Table("changes").Where("record_id = ?", up).Count(&upper)
		var lower int64
		db.Table("audit_entries").Where("record_type = 'photo' AND record_id = ?", old).Count(&lower)
		if upper != 0 || lower != 1 {
			t.Fatalf("log rows: %d upper-case changes left, %d lower-case audit entries", upper, lower)
		}
	})
}

// runMigration runs the migration named id again.
func runMigration(t *testing.T, db *models.DB, id string) {
	t.Helper()
	ms, err := db.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.ID == id {
			if err := m.Migrate(db.DB); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("no migration %s", id)
}
