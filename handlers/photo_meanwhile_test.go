package handlers_test

import (
	"sync"
	"testing"

	"github.com/tepai/tepai/internal/phototest"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// A phone sends one photo to two replicas at once. On a Galera cluster the
// second replica's transaction can read no photo under the id and then
// meet the first one's row, arrived from another node, at its insert (no
// lock on the owner is shared across nodes). Here another connection
// stores the row and commits just before the server's insert, as that
// write set does. The same photo is answered as stored (200, the photo),
// not 409; a different photo under the id is still 409.
func TestPhotoStoredMeanwhileIsAnsweredAsStored(t *testing.T) {
	if !testenv.MySQLAvailable() {
		t.Skip("needs MySQL: SQLite runs one writer at a time")
	}
	cfg := testenv.Config(t, "mysql")
	cfg.MaxPhotoBytes = photoLimit
	env := testenv.NewWithConfig(t, "mysql", cfg)
	other, err := models.Open(cfg.MySQLDSN, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })

	alice := env.NewUser(models.RoleCommissioner, townshipHuabu)
	v := newVisit(t, env, alice.Commissioner, villageHuayang, photoTime(2024, 5, 21, 9, 0))
	jpg := phototest.JPEG(48, 48, 7, nil)
	same, differs := models.NewID(), models.NewID()

	var mu sync.Mutex
	sneaked := map[string]bool{}
	err = env.DB().Callback().Create().Before("gorm:create").Register("test:photo_meanwhile", func(tx *gorm.DB) {
		ph, ok := tx.Statement.Dest.(*models.Photo)
		if !ok || (ph.ID != same && ph.ID != differs) {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if sneaked[ph.ID] {
			return
		}
		sneaked[ph.ID] = true
		row := *ph
		if ph.ID == differs {
			row.SHA256 = "0000000000000000000000000000000000000000000000000000000000000000"
		}
		if err := other.Create(&row).Error; err != nil {
			t.Errorf("store %s from another connection: %v", ph.ID, err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { env.DB().Callback().Create().Remove("test:photo_meanwhile") })

	r := upload(env, alice.Token, photoFields(same, "visit", v.ID), jpg)
	var got photoResp
	if r.Status != 200 {
		t.Fatalf("the same photo stored meanwhile: %d %s, want 200", r.Status, r.Body)
	}
	r.Decode(t, &got)
	if got.ID != same || got.SHA256 != sha(jpg) || got.OwnerID != v.ID {
		t.Fatalf("answered %+v, want photo %s of %s with sha %s", got, same, v.ID, sha(jpg))
	}
	if r := upload(env, alice.Token, photoFields(differs, "visit", v.ID), jpg); r.Status != 409 || r.ErrorCode() != "conflict" {
		t.Fatalf("other bytes stored meanwhile under the id: %d %s, want 409", r.Status, r.Body)
	}
	if !sneaked[same] || !sneaked[differs] {
		t.Fatalf("the rows were not stored meanwhile: %v", sneaked)
	}
}
