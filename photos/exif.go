package photos

import (
	"bytes"
	"strings"
	"time"

	"github.com/rwcarlsen/goexif/exif"
	"github.com/tepai/tepai/internal/bounds"
)

// chinaTime is Asia/Shanghai (UTC+8, no daylight saving since 1991): EXIF
// times carry no zone, and the phones taking them are in China.
var chinaTime = time.FixedZone("CST", 8*3600)

// readExif returns the time the photo was taken (DateTimeOriginal) and
// where (GPS), when the photo's leading bytes hold EXIF saying so. A time
// or place outside the contract's bounds (before 2000 or more than 24 h
// after now, outside China's bounding box) is no evidence and is left out,
// so it neither is stored nor overrides what the phone sent.
func readExif(kind string, head []byte, now time.Time) (takenAt *time.Time, lat, lng *float64) {
	var raw []byte
	switch kind {
	case TypeJPEG:
		raw = head
	case TypeHEIC:
		raw = heicExif(head)
	}
	if raw == nil {
		return nil, nil, nil
	}
	x := decodeExif(raw)
	if x == nil {
		return nil, nil, nil
	}
	lat, lng = exifPoint(x)
	return exifTime(x, now), lat, lng
}

// decodeExif decodes EXIF, recovering from the panics a hostile file can
// cause in the decoder; nil when there is none.
func decodeExif(raw []byte) (x *exif.Exif) {
	defer func() {
		if recover() != nil {
			x = nil
		}
	}()
	x, _ = exif.Decode(bytes.NewReader(raw)) // a partial decode is still useful
	return x
}

func exifTime(x *exif.Exif, now time.Time) *time.Time {
	tag, err := x.Get(exif.DateTimeOriginal)
	if err != nil {
		return nil
	}
	s, err := tag.StringVal()
	if err != nil {
		return nil
	}
	t, err := time.ParseInLocation("2006:01:02 15:04:05", strings.TrimSpace(strings.TrimRight(s, "\x00")), chinaTime)
	if err != nil || !bounds.Time(t, now) {
		return nil
	}
	t = t.UTC()
	return &t
}

// exifPoint returns the GPS position when EXIF has one inside China's
// bounding box (which also leaves out the 0,0 broken cameras write).
func exifPoint(x *exif.Exif) (lat, lng *float64) {
	la, lo, err := x.LatLong()
	if err != nil || !bounds.Point(la, lo) {
		return nil, nil
	}
	return &la, &lo
}
