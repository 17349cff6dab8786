package photos

import (
	"testing"
	"time"

	"github.com/tepai/tepai/internal/phototest"
)

// BenchmarkReadExif reads a phone photo's time, place and orientation
// from its leading bytes, as an upload and its thumbnail do.
func BenchmarkReadExif(b *testing.B) {
	at := time.Date(2024, 5, 21, 9, 30, 0, 0, chinaTime)
	head := phototest.JPEG(320, 240, 1, &phototest.Exif{Taken: at, Lat: 29.1365, Lng: 118.4132, Orientation: 6})
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		if t, lat, _ := readExif(TypeJPEG, head, now); t == nil || lat == nil {
			b.Fatal("no EXIF read")
		}
		if exifOrientation(head) != 6 {
			b.Fatal("no orientation read")
		}
	}
}
