package models_test

import (
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// TestPhotosFollowOwnersMigration: migration 0015 deletes the live photos
// of deleted records and moves those of moved records to their region,
// leaving the others as they were.
func TestPhotosFollowOwnersMigration(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		c := env.NewUser(models.RoleCommissioner, "330824")
		db := env.DB()
		now := models.Now()
		visit := func(village string, deleted bool) string {
			v := &models.Visit{Meta: models.Meta{ID: models.NewID(), CommissionerID: c.Commissioner.ID, Version: 1, CreatedAt: now, UpdatedAt: now},
				VillageCode: village, StartedAt: now, EndedAt: now.Add(time.Hour), VisitDate: "2026-01-01", Category: "栽培技术", ReceivedAt: now}
			if err := db.Create(v).Error; err != nil {
				t.Fatal(err)
			}
			if deleted {
				db.Model(v).Update("deleted_at", now)
			}
			return v.ID
		}
		photo := func(owner, region string) string {
			ph := &models.Photo{ID: models.NewID(), CommissionerID: c.Commissioner.ID, UploadedBy: c.User.ID, OwnerType: "visit",
				OwnerID: owner, RegionCode: region, SHA256: "ab", Size: 1, ContentType: "image/jpeg", Version: 1, CreatedAt: now, UpdatedAt: now}
			if err := db.Create(ph).Error; err != nil {
				t.Fatal(err)
			}
			return ph.ID
		}
		gone := photo(visit("330824115200", true), "330824115200")
		moved := photo(visit("330824116200", false), "330824115200")
		stays := photo(visit("330824115200", false), "330824115200")
		migs, err := db.Migrations()
		if err != nil {
			t.Fatal(err)
		}
		ran := false
		for _, m := range migs {
			if m.ID == "0015_photos_follow_owners" {
				if err := m.Migrate(db.DB); err != nil {
					t.Fatal(err)
				}
				ran = true
			}
		}
		if !ran {
			t.Fatal("no migration 0015")
		}
		want := map[string]struct {
			region  string
			version int
			deleted bool
		}{gone: {"330824115200", 2, true}, moved: {"330824116200", 2, false}, stays: {"330824115200", 1, false}}
		for id, w := range want {
			var ph models.Photo
			if err := db.Unscoped().Where("id = ?", id).Take(&ph).Error; err != nil {
				t.Fatal(err)
			}
			if ph.RegionCode != w.region || ph.Version != w.version || ph.DeletedAt.Valid != w.deleted {
				t.Errorf("photo %s: region %s version %d deleted %v, want %+v", id, ph.RegionCode, ph.Version, ph.DeletedAt.Valid, w)
			}
		}
	})
}
