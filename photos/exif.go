package photos

import (
	"bytes"
	"math"
	"strings"
	"time"

	"github.com/rwcarlsen/goexif/exif"
)

// chinaTime is Asia/Shanghai (UTC+8, no daylight saving since 1991): EXIF
// times carry no zone, and the phones taking them are in China.
var chinaTime = time.FixedZone("CST", 8*3600)

// readExif returns the time the photo was taken (DateTimeOriginal) and
// where (GPS), when the photo's leading bytes hold EXIF saying so.
func readExif(kind string, head []byte) (takenAt *time.Time, lat, lng *float64) {
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
	return exifTime(x), exifCoord(x, true), exifCoord(x, false)
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

func exifTime(x *exif.Exif) *time.Time {
	tag, err := x.Get(exif.DateTimeOriginal)
	if err != nil {
		return nil
	}
	s, err := tag.StringVal()
	if err != nil {
		return nil
	}
	t, err := time.ParseInLocation("2006:01:02 15:04:05", strings.TrimSpace(strings.TrimRight(s, "\x00")), chinaTime)
	if err != nil || t.Year() < 1990 {
		return nil
	}
	t = t.UTC()
	return &t
}

// exifCoord returns the GPS latitude (lat) or longitude; a 0,0 position,
// which broken cameras write, counts as none.
func exifCoord(x *exif.Exif, lat bool) *float64 {
	la, lo, err := x.LatLong()
	if err != nil || math.IsNaN(la) || math.IsNaN(lo) || math.Abs(la) > 90 || math.Abs(lo) > 180 || (la == 0 && lo == 0) {
		return nil
	}
	if lat {
		return &la
	}
	return &lo
}
