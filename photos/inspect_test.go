package photos

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"image"
	"math"
	"testing"
	"time"

	_ "golang.org/x/image/webp"

	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/internal/phototest"
)

func TestInspect(t *testing.T) {
	taken := time.Date(2024, 5, 21, 9, 30, 0, 0, chinaTime)
	withExif := phototest.JPEG(64, 48, 1, &phototest.Exif{Taken: taken, Lat: 29.1365, Lng: 118.4132})
	plain := phototest.JPEG(40, 30, 2, nil)
	pngBytes := phototest.PNG(20, 10, 3)
	heic := phototest.HEIC(4032, 3024, bytes.Repeat([]byte{7}, 500))
	heicExif := phototest.HEICWithExif(4032, 3024, &phototest.Exif{Taken: taken, Lat: 29.1365, Lng: 118.4132})

	cases := []struct {
		name       string
		in         []byte
		limit      int64
		typ        string
		w, h       int
		status     int
		wantExif   bool
		wantCoords bool
	}{
		{"jpeg with exif", withExif, 1 << 20, TypeJPEG, 64, 48, 0, true, true},
		{"jpeg without exif", plain, 1 << 20, TypeJPEG, 40, 30, 0, false, false},
		{"jpeg with video after the end", append(append([]byte{}, plain...), "ftypmp42 trailing video"...), 1 << 20, TypeJPEG, 40, 30, 0, false, false},
		{"png", pngBytes, 1 << 20, TypePNG, 20, 10, 0, false, false},
		{"webp", phototest.WebP(), 1 << 20, TypeWebP, 1, 1, 0, false, false},
		{"heic", heic, 1 << 20, TypeHEIC, 4032, 3024, 0, false, false},
		{"heic with exif", heicExif, 1 << 20, TypeHEIC, 4032, 3024, 0, true, true},
		{"text renamed .jpg", []byte("just some text, not a picture at all"), 1 << 20, "", 0, 0, 415, false, false},
		{"empty", nil, 1 << 20, "", 0, 0, 422, false, false},
		{"truncated jpeg", withExif[:len(withExif)*6/10], 1 << 20, "", 0, 0, 422, false, false},
		{"truncated png", pngBytes[:len(pngBytes)-5], 1 << 20, "", 0, 0, 422, false, false},
		{"truncated webp", phototest.WebP()[:30], 1 << 20, "", 0, 0, 422, false, false},
		{"truncated heic", heic[:len(heic)-100], 1 << 20, "", 0, 0, 422, false, false},
		{"over the limit", withExif, int64(len(withExif) - 1), "", 0, 0, 413, false, false},
		{"jpeg bomb", bomb(), 1 << 20, "", 0, 0, 422, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Inspect(bytes.NewReader(c.in), c.limit)
			if c.status != 0 {
				e, ok := apierr.As(err)
				if !ok || e.Status != c.status {
					t.Fatalf("want %d, got %v", c.status, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(c.in)
			if got.SHA256 != hex.EncodeToString(sum[:]) || got.Size != int64(len(c.in)) || got.ContentType != c.typ || got.Width != c.w || got.Height != c.h {
				t.Fatalf("got %+v", got)
			}
			if (got.TakenAt != nil) != c.wantExif || (got.Lat != nil) != c.wantCoords {
				t.Fatalf("exif: taken %v lat %v", got.TakenAt, got.Lat)
			}
			if c.wantExif && !got.TakenAt.Equal(taken) {
				t.Fatalf("taken %v, want %v", got.TakenAt, taken)
			}
			// 29.1365° is 29° 8' 11.40"; the seconds are kept to 1/100.
			if c.wantCoords && (math.Abs(*got.Lat-29.1365) > 1e-5 || math.Abs(*got.Lng-118.4132) > 1e-5) {
				t.Fatalf("gps %v %v", *got.Lat, *got.Lng)
			}
		})
	}
}

// bomb is a JPEG whose frame header declares 60000×60000 pixels.
func bomb() []byte {
	b := phototest.JPEG(16, 16, 4, nil)
	for i := 2; i+9 < len(b); {
		m, n := b[i+1], int(binary.BigEndian.Uint16(b[i+2:]))
		if m == 0xC0 {
			binary.BigEndian.PutUint16(b[i+5:], 60000)
			binary.BigEndian.PutUint16(b[i+7:], 60000)
			return b
		}
		i += 2 + n
	}
	panic("no SOF0")
}

func TestWebPFixtureDecodes(t *testing.T) {
	img, _, err := image.Decode(bytes.NewReader(phototest.WebP()))
	if err != nil || img.Bounds().Dx() != 1 {
		t.Fatalf("fixture: %v", err)
	}
}
