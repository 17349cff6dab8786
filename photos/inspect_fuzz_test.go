package photos

import (
	"bytes"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/bounds"
	"github.com/tepai/tepai/internal/phototest"
)

// FuzzInspect feeds arbitrary bytes to the inspector: whatever they are,
// it never panics, and what it accepts has a sane pixel size and only
// EXIF times and places inside the contract's bounds.
func FuzzInspect(f *testing.F) {
	at := time.Date(2024, 5, 21, 9, 30, 0, 0, chinaTime)
	for _, x := range []*phototest.Exif{
		{Taken: at, Lat: 29.1365, Lng: 118.4132},
		{Taken: at, Lat: 89.9, Lng: 179.9},
		{Taken: time.Date(1995, 1, 1, 0, 0, 0, 0, chinaTime), Lat: -29.1, Lng: -118.4},
		{Taken: time.Date(2999, 1, 1, 0, 0, 0, 0, chinaTime), Lat: 54.0001, Lng: 72.9999},
	} {
		f.Add(phototest.JPEG(8, 8, 1, x))
	}
	for _, sz := range [][2]int{{4032, 3024}, {0, 0}, {0xFFFFFFFF, 0xFFFFFFFF}, {1 << 31, 2}} {
		f.Add(phototest.HEIC(sz[0], sz[1], []byte("payload")))
	}
	f.Add(phototest.HEICWithExif(4032, 3024, &phototest.Exif{Taken: at, Lat: 29.1365, Lng: 118.4132}))
	f.Add(phototest.PNG(4, 4, 1))
	f.Add(phototest.WebP())
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := Inspect(bytes.NewReader(b), 1<<20)
		if err != nil {
			return
		}
		if got.Width <= 0 || got.Height <= 0 || int64(got.Width)*int64(got.Height) > MaxPixels {
			t.Fatalf("accepted %d×%d", got.Width, got.Height)
		}
		if got.TakenAt != nil && !bounds.Time(*got.TakenAt, time.Now()) {
			t.Fatalf("EXIF time %v kept", *got.TakenAt)
		}
		if (got.Lat == nil) != (got.Lng == nil) || (got.Lat != nil && !bounds.Point(*got.Lat, *got.Lng)) {
			t.Fatalf("EXIF point %v,%v kept", got.Lat, got.Lng)
		}
	})
}
