package loadgen

import (
	"bytes"
	"encoding/binary"
	"image/jpeg"
	"testing"
	"time"
)

func TestPhotoPoolMakesDistinctJPEGsOfTheAskedSize(t *testing.T) {
	pool, err := NewPhotoPool(2, 60, 3)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 5, 21, 1, 30, 0, 0, time.UTC)
	a := pool.Photo("a", at, 29.137, 118.413)
	b := pool.Photo("b", at, 29.137, 118.413)
	if bytes.Equal(a, b) {
		t.Fatal("two photos have the same bytes")
	}
	for _, p := range [][]byte{a, b} {
		if n := len(p); n < 54*1024 || n > 68*1024 {
			t.Errorf("photo of %d bytes, want about 60 KiB", n)
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(p))
		if err != nil || cfg.Width < 100 {
			t.Errorf("not a decodable photo: %v %+v", err, cfg)
		}
		if _, err := jpeg.Decode(bytes.NewReader(p)); err != nil {
			t.Errorf("decode: %v", err)
		}
	}
}

// The EXIF block's layout, worked out by hand: IFD0 at 8 with 2 entries
// (30 bytes) puts the Exif IFD at 38; its 2 entries (30 bytes) put
// DateTimeOriginal (20 bytes) at 68 and OffsetTimeOriginal (7, padded to
// 8) at 88, so the GPS IFD starts at 96; its 5 entries (66 bytes) put the
// latitude's rationals at 162 and the longitude's at 186.
func TestPhotoCarriesEXIFTimeAndGPS(t *testing.T) {
	pool, err := NewPhotoPool(1, 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	p := pool.Photo("x", time.Date(2024, 5, 21, 1, 30, 0, 0, time.UTC), 29.137, 118.413)
	if p[0] != 0xFF || p[1] != 0xD8 || p[2] != 0xFF || p[3] != 0xE1 || string(p[6:12]) != "Exif\x00\x00" {
		t.Fatalf("no APP1 Exif segment after SOI: % x", p[:12])
	}
	tiff := p[12:]
	be := binary.BigEndian
	if string(tiff[:4]) != "MM\x00\x2a" || be.Uint32(tiff[4:]) != 8 {
		t.Fatalf("TIFF header % x", tiff[:8])
	}
	if got := be.Uint32(tiff[8+2+8:]); got != 38 {
		t.Errorf("Exif IFD at %d, want 38", got)
	}
	if got := be.Uint32(tiff[8+2+12+8:]); got != 96 {
		t.Errorf("GPS IFD at %d, want 96", got)
	}
	if got := string(tiff[68:87]); got != "2024:05:21 09:30:00" {
		t.Errorf("DateTimeOriginal %q, want China Standard Time 2024:05:21 09:30:00", got)
	}
	if got := string(tiff[88:94]); got != "+08:00" {
		t.Errorf("OffsetTimeOriginal %q", got)
	}
	// 29.137° = 29° 8' 13.2"; 118.413° = 118° 24' 46.8".
	want := map[int][6]uint32{162: {29, 1, 8, 1, 13200, 1000}, 186: {118, 1, 24, 1, 46800, 1000}}
	for at, w := range want {
		for i, v := range w {
			if got := be.Uint32(tiff[at+4*i:]); got != v {
				t.Errorf("rational word %d at %d = %d, want %d", i, at, got, v)
			}
		}
	}
}
