package photos

import (
	"bytes"
	"encoding/binary"
	"runtime"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/phototest"
)

// ifd lays out one little-endian IFD of 12-byte entries (tag, type, count,
// value or offset) and the offset of the next IFD.
func ifd(next uint32, entries ...[4]uint32) []byte {
	b := binary.LittleEndian.AppendUint16(nil, uint16(len(entries)))
	for _, e := range entries {
		b = binary.LittleEndian.AppendUint16(b, uint16(e[0]))
		b = binary.LittleEndian.AppendUint16(b, uint16(e[1]))
		b = binary.LittleEndian.AppendUint32(b, e[2])
		b = binary.LittleEndian.AppendUint32(b, e[3])
	}
	return binary.LittleEndian.AppendUint32(b, next)
}

// tiffOf is a little-endian TIFF: its header, whose first IFD follows
// it, then parts.
func tiffOf(parts ...[]byte) []byte {
	b := []byte("II*\x00\x08\x00\x00\x00")
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// TestHostileExif feeds EXIF built to exhaust a decoder: a tag whose
// count times its type's size overflows 32 bits (a decoder that trusts
// the count allocates it: 2³¹+1 LONGs are 16 GiB, which ends the process),
// and IFDs whose offsets run in a circle. Each photo is still accepted,
// with its EXIF read as far as it makes sense, in little memory and time.
func TestHostileExif(t *testing.T) {
	const (
		tLong        = 4
		orientation  = 0x0112
		exifPointer  = 0x8769
		gpsPointer   = 0x8825
		ifd0         = 8
		sizeOfOneTag = 2 + 12 + 4
	)
	cases := []struct {
		name        string
		tiff        []byte
		orientation int
	}{
		// The crash a fuzzer found: the GPS pointer's count is 0x80000001.
		{"count overflows", tiffOf(ifd(0, [4]uint32{orientation, 3, 1, 6}, [4]uint32{gpsPointer, tLong, 0x80000001, 0xFF})), 6},
		{"orientation's count overflows", tiffOf(ifd(0, [4]uint32{orientation, tLong, 0x40000001, 6})), 1},
		// IFD0 → IFD1 → IFD0 → …
		{"IFDs in a circle", tiffOf(ifd(ifd0+sizeOfOneTag, [4]uint32{orientation, 3, 1, 8}), ifd(ifd0, [4]uint32{orientation, 3, 1, 3})), 8},
		// IFD0's EXIF and GPS pointers both lead back to IFD0.
		{"sub-IFD is its parent", tiffOf(ifd(0, [4]uint32{exifPointer, tLong, 1, ifd0}, [4]uint32{gpsPointer, tLong, 1, ifd0})), 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			photo := phototest.JPEGWithTIFF(8, 8, 1, c.tiff)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			got, err := Inspect(bytes.NewReader(photo), 1<<20)
			o := exifOrientation(photo)
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatalf("a whole JPEG with broken EXIF refused: %v", err)
			}
			if got.Width != 8 || got.Height != 8 || got.TakenAt != nil || got.Lat != nil {
				t.Fatalf("got %+v", got)
			}
			if o != c.orientation {
				t.Fatalf("orientation %d, want %d", o, c.orientation)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > 32<<20 {
				t.Fatalf("reading it allocated %d MiB", n>>20)
			}
		})
	}
}

// TestExifReadAfterABrokenTag: a tag of the wrong type is no value, and
// the tags around it are still read.
func TestExifReadAfterABrokenTag(t *testing.T) {
	taken := "2024:05:21 09:30:00\x00"
	const exifAt = 8 + 2 + 2*12 + 4 // after IFD0 of two entries
	const timeAt = exifAt + 2 + 12 + 4
	tiff := tiffOf(
		// Orientation as ASCII, not SHORT; then the EXIF IFD's pointer.
		ifd(0, [4]uint32{0x0112, 2, 4, 0x00363600}, [4]uint32{0x8769, 4, 1, exifAt}),
		ifd(0, [4]uint32{0x9003, 2, uint32(len(taken)), timeAt}),
		[]byte(taken),
	)
	photo := phototest.JPEGWithTIFF(8, 8, 1, tiff)
	got, err := Inspect(bytes.NewReader(photo), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2024, 5, 21, 1, 30, 0, 0, time.UTC)
	if got.TakenAt == nil || !got.TakenAt.Equal(want) {
		t.Fatalf("taken %v, want %v", got.TakenAt, want)
	}
	if o := exifOrientation(photo); o != 1 {
		t.Fatalf("orientation %d from an ASCII tag", o)
	}
}
