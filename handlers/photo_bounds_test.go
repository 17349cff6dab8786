package handlers_test

import (
	"testing"
	"time"

	"github.com/tepai/tepai/internal/phototest"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// TestPhotoBounds: EXIF times and places outside the contract's bounds
// (times before 2000 or more than 24 h ahead, points outside China's
// bounding box) are neither stored nor override what the phone sent, and
// image sizes a file declares are bounded.
func TestPhotoBounds(t *testing.T) {
	photoBackends(t, func(t *testing.T, env *testenv.Env) {
		alice := env.NewUser(models.RoleCommissioner, townshipHuabu)
		visit := newVisit(t, env, alice.Commissioner, villageHuayang, photoTime(2024, 5, 21, 9, 0))
		phoneAt := "2024-05-21T09:40:00+08:00"
		cases := []struct {
			name string
			exif phototest.Exif
			// wantExifTime and wantExifPoint: EXIF's values are kept.
			wantExifTime, wantExifPoint bool
		}{
			{"north pole", phototest.Exif{Taken: photoTime(2024, 5, 21, 9, 30), Lat: 89.9, Lng: 179.9}, true, false},
			{"southern hemisphere", phototest.Exif{Lat: -29.1, Lng: 118.4}, false, false},
			{"just outside the box", phototest.Exif{Lat: 29.1, Lng: 136.01}, false, false},
			{"year 1995", phototest.Exif{Taken: photoTime(1995, 5, 21, 9, 30), Lat: 29.1365, Lng: 118.4132}, false, true},
			{"two days ahead", phototest.Exif{Taken: time.Now().Add(48 * time.Hour)}, false, false},
			{"inside", phototest.Exif{Taken: photoTime(2024, 5, 21, 9, 30), Lat: 29.1365, Lng: 118.4132}, true, true},
		}
		for i, c := range cases {
			id := models.NewID()
			f := photoFields(id, "visit", visit.ID)
			f["taken_at"], f["lat"], f["lng"] = phoneAt, "29.2", "118.3"
			ex := c.exif
			if r := upload(env, alice.Token, f, phototest.JPEG(32, 32, 100+i, &ex)); r.Status != 201 {
				t.Fatalf("%s: %d %s", c.name, r.Status, r.Body)
			}
			var ph models.Photo
			if err := env.DB().Where("id = ?", id).Take(&ph).Error; err != nil {
				t.Fatal(err)
			}
			wantAt := photoTime(2024, 5, 21, 9, 40)
			if c.wantExifTime {
				wantAt = photoTime(2024, 5, 21, 9, 30)
			}
			if (ph.ExifTakenAt != nil) != c.wantExifTime || ph.TakenAt == nil || !ph.TakenAt.Equal(wantAt) {
				t.Errorf("%s: taken_at %v, exif %v", c.name, ph.TakenAt, ph.ExifTakenAt)
			}
			wantLat, wantLng := 29.2, 118.3
			if c.wantExifPoint {
				wantLat, wantLng = 29.1365, 118.4132
			}
			if (ph.ExifLat != nil) != c.wantExifPoint || (ph.ExifLng != nil) != c.wantExifPoint ||
				ph.Lat == nil || ph.Lng == nil || !near(*ph.Lat, wantLat) || !near(*ph.Lng, wantLng) {
				t.Errorf("%s: point %v,%v exif %v,%v", c.name, ptr(ph.Lat), ptr(ph.Lng), ptr(ph.ExifLat), ptr(ph.ExifLng))
			}
		}

		// Declared sizes: none, or one whose product wraps int64.
		for _, sz := range [][2]int{{0, 0}, {0xFFFFFFFF, 0xFFFFFFFF}, {1 << 31, 1}} {
			r := upload(env, alice.Token, photoFields(models.NewID(), "visit", visit.ID), phototest.HEIC(sz[0], sz[1], []byte("payload")))
			if r.Status != 422 || r.ErrorCode() != "validation_failed" {
				t.Errorf("heic %dx%d: %d %s", sz[0], sz[1], r.Status, r.Body)
			}
		}
	})
}

func near(a, b float64) bool { return a-b < 1e-5 && b-a < 1e-5 }

func ptr(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}
