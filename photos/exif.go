package photos

import (
	"bytes"
	"strings"
	"time"

	"github.com/bep/imagemeta"
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
	var x exifTags
	switch kind {
	case TypeJPEG:
		x = decodeExif(imagemeta.JPEG, head)
	case TypeHEIC:
		raw := heicExif(head)
		if raw == nil {
			return nil, nil, nil
		}
		x = decodeExif(imagemeta.TIFF, raw)
	default:
		return nil, nil, nil
	}
	lat, lng = x.point()
	return x.time(now), lat, lng
}

// exifTags holds the few EXIF tags tepai reads: when the photo was taken,
// where, and how the camera was held.
type exifTags struct {
	taken          string
	lat, lng       float64
	latRef, lngRef string
	hasLat, hasLng bool
	orientation    int
}

// exifWanted says, by the IFD it belongs in, which tags exifTags keeps;
// every other tag is skipped unread.
var exifWanted = map[string]string{
	"Orientation":      "IFD0",
	"DateTimeOriginal": "IFD0/ExifIFDP",
	"GPSLatitude":      "IFD0/GPSInfoIFD",
	"GPSLatitudeRef":   "IFD0/GPSInfoIFD",
	"GPSLongitude":     "IFD0/GPSInfoIFD",
	"GPSLongitudeRef":  "IFD0/GPSInfoIFD",
}

// decodeExif reads the wanted tags of the EXIF in raw, an image of format
// or a bare TIFF structure. raw is a phone's upload and may be built to
// harm: the decoder (github.com/bep/imagemeta, fuzzed upstream) skips a
// tag of more than 65,536 values and bounds every other size it reads off
// the bytes before it allocates, reads IFD0 and IFD1 of the chain and each
// sub-IFD once, and turns its own failures into errors. What it read
// before an error is kept, since a partly broken EXIF still says when and
// where.
func decodeExif(format imagemeta.ImageFormat, raw []byte) exifTags {
	var x exifTags
	imagemeta.Decode(imagemeta.Options{
		R:           bytes.NewReader(raw),
		ImageFormat: format,
		Sources:     imagemeta.EXIF,
		ShouldHandleTag: func(ti imagemeta.TagInfo) bool {
			return exifWanted[ti.Tag] == ti.Namespace
		},
		HandleTag: func(ti imagemeta.TagInfo) error {
			x.set(ti.Tag, ti.Value)
			return nil
		},
	})
	return x
}

// set keeps one tag's value when it has the type the tag should have; a
// value of any other type is ignored, as a tag that is not there.
func (x *exifTags) set(tag string, v any) {
	switch tag {
	case "Orientation":
		if o, ok := v.(uint16); ok {
			x.orientation = int(o)
		}
	case "DateTimeOriginal":
		x.taken, _ = v.(string)
	case "GPSLatitude":
		x.lat, x.hasLat = v.(float64)
	case "GPSLongitude":
		x.lng, x.hasLng = v.(float64)
	case "GPSLatitudeRef":
		x.latRef, _ = v.(string)
	case "GPSLongitudeRef":
		x.lngRef, _ = v.(string)
	}
}

// time is DateTimeOriginal, read as China's time, when it is inside the
// contract's bounds.
func (x exifTags) time(now time.Time) *time.Time {
	s := strings.TrimSpace(strings.TrimRight(x.taken, "\x00"))
	if s == "" {
		return nil
	}
	t, err := time.ParseInLocation("2006:01:02 15:04:05", s, chinaTime)
	if err != nil || !bounds.Time(t, now) {
		return nil
	}
	t = t.UTC()
	return &t
}

// point returns the GPS position when EXIF has one inside China's
// bounding box (which also leaves out the 0,0 broken cameras write).
func (x exifTags) point() (lat, lng *float64) {
	if !x.hasLat || !x.hasLng {
		return nil, nil
	}
	la, lo := x.lat, x.lng
	if x.latRef == "S" {
		la = -la
	}
	if x.lngRef == "W" {
		lo = -lo
	}
	if !bounds.Point(la, lo) {
		return nil, nil
	}
	return &la, &lo
}
