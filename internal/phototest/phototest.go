// Package phototest makes real photo files for tests: JPEGs with an EXIF
// block written by hand (DateTimeOriginal, GPS, orientation), PNGs, a
// small WebP and a HEIC skeleton.
package phototest

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"time"
)

// Exif is what JPEG writes into the photo's EXIF block; zero fields are
// left out.
type Exif struct {
	Taken       time.Time // written as local time in Asia/Shanghai
	Lat, Lng    float64
	Orientation int
}

// Image returns a w×h picture with a gradient and a pattern seeded by
// seed, so that different seeds give different bytes.
func Image(w, h int, seed int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := uint8((x*7 + y*13 + seed*31) % 256)
			img.Set(x, y, color.RGBA{uint8(x * 255 / max(w, 1)), uint8(y * 255 / max(h, 1)), v, 255})
		}
	}
	return img
}

// JPEG encodes a w×h picture as a JPEG and, when x is not nil, puts an
// EXIF APP1 segment right after the start-of-image marker.
func JPEG(w, h, seed int, x *Exif) []byte {
	if x == nil {
		return JPEGWithTIFF(w, h, seed, nil)
	}
	return JPEGWithTIFF(w, h, seed, x.tiff())
}

// JPEGWithTIFF is JPEG with tiff, as given, for its EXIF: a test's own
// TIFF structure, whatever its counts and offsets say. A nil tiff puts no
// EXIF segment in.
func JPEGWithTIFF(w, h, seed int, tiff []byte) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, Image(w, h, seed), &jpeg.Options{Quality: 85}); err != nil {
		panic(err)
	}
	b := buf.Bytes()
	if tiff == nil {
		return b
	}
	app1 := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(app1)+2))
	out := append([]byte{}, b[:2]...)
	out = append(out, seg...)
	out = append(out, app1...)
	return append(out, b[2:]...)
}

// PNG encodes a w×h picture as a PNG.
func PNG(w, h, seed int) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, Image(w, h, seed)); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// WebP is a 1×1 lossless WebP.
func WebP() []byte {
	return []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")
}

// HEIC is the box structure of a HEIC file of w×h pixels: ftyp, a meta
// box with the image's 'ispe' property, and an mdat of payload bytes.
func HEIC(w, h int, payload []byte) []byte {
	return heic(w, h, nil, payload)
}

// HEICWithExif is HEIC's skeleton with x as the file's 'Exif' item, laid
// out as phones write it: the meta box's 'iinf' names item 1 of type
// 'Exif', its 'iloc' (version 0, 32-bit offsets and lengths) places the
// item in the mdat, and the item is a 32-bit offset to the TIFF header,
// "Exif\0\0", then the TIFF.
func HEICWithExif(w, h int, x *Exif) []byte {
	item := append(be32(6), "Exif\x00\x00"...)
	item = append(item, x.tiff()...)
	infe := box("infe", append([]byte{2, 0, 0, 0, 0, 1, 0, 0}, "Exif\x00"...))
	iinf := box("iinf", append([]byte{0, 0, 0, 0, 0, 1}, infe...))
	items := func(mdatAt uint32) []byte {
		iloc := []byte{0, 0, 0, 0, 0x44, 0x00, 0, 1, 0, 1, 0, 0, 0, 1}
		return append(append([]byte{}, iinf...), box("iloc", append(iloc, be32(mdatAt, uint32(len(item)))...))...)
	}
	return heic(w, h, items, item)
}

// heic lays out ftyp; a meta box of hdlr, the boxes items returns (given
// the file offset of the mdat's body) and iprp with the 'ispe'; and an
// mdat of payload.
func heic(w, h int, items func(mdatAt uint32) []byte, payload []byte) []byte {
	ispe := box("ispe", append([]byte{0, 0, 0, 0}, be32(uint32(w), uint32(h))...))
	iprp := box("iprp", box("ipco", ispe))
	hdlr := box("hdlr", append([]byte{0, 0, 0, 0, 0, 0, 0, 0}, []byte("pict\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00")...))
	ftyp := box("ftyp", []byte("heic\x00\x00\x00\x00mif1heic"))
	meta := func(mdatAt uint32) []byte {
		body := append([]byte{0, 0, 0, 0}, hdlr...)
		if items != nil {
			body = append(body, items(mdatAt)...)
		}
		return box("meta", append(body, iprp...))
	}
	mdatAt := uint32(len(ftyp) + len(meta(0)) + 8)
	out := append(ftyp, meta(mdatAt)...)
	return append(out, box("mdat", payload)...)
}

func box(typ string, body []byte) []byte {
	out := be32(uint32(8 + len(body)))
	out = append(out, typ...)
	return append(out, body...)
}

func be32(vs ...uint32) []byte {
	out := make([]byte, 4*len(vs))
	for i, v := range vs {
		binary.BigEndian.PutUint32(out[4*i:], v)
	}
	return out
}

// ifdEntry is one TIFF tag: its id, type (2 ASCII, 3 SHORT, 4 LONG,
// 5 RATIONAL), count and value bytes (little-endian).
type ifdEntry struct {
	tag, typ uint16
	count    uint32
	value    []byte
}

// tiff lays out a little-endian TIFF: IFD0 pointing at the EXIF and GPS
// IFDs, then the values that do not fit in an entry.
func (x *Exif) tiff() []byte {
	var ifd0, exifIFD, gps []ifdEntry
	if x.Orientation != 0 {
		ifd0 = append(ifd0, ifdEntry{0x0112, 3, 1, le16(uint16(x.Orientation))})
	}
	if !x.Taken.IsZero() {
		s := x.Taken.In(time.FixedZone("CST", 8*3600)).Format("2006:01:02 15:04:05") + "\x00"
		exifIFD = append(exifIFD, ifdEntry{0x9003, 2, uint32(len(s)), []byte(s)})
	}
	if x.Lat != 0 || x.Lng != 0 {
		gps = append(gps,
			ifdEntry{0x0001, 2, 2, []byte(ref(x.Lat, "N", "S"))}, ifdEntry{0x0002, 5, 3, dms(x.Lat)},
			ifdEntry{0x0003, 2, 2, []byte(ref(x.Lng, "E", "W"))}, ifdEntry{0x0004, 5, 3, dms(x.Lng)})
	}
	// Offsets: header 8, then IFD0, EXIF IFD, GPS IFD, then the data area.
	size := func(es []ifdEntry) uint32 { return uint32(2 + 12*len(es) + 4) }
	ifd0Len := size(ifd0) + 24 // room for the two pointer entries
	exifAt := 8 + ifd0Len
	gpsAt := exifAt + size(exifIFD)
	dataAt := gpsAt + size(gps)
	ifd0 = append(ifd0, ifdEntry{0x8769, 4, 1, le32(exifAt)}, ifdEntry{0x8825, 4, 1, le32(gpsAt)})
	var data []byte
	out := []byte("II*\x00\x08\x00\x00\x00")
	for _, es := range [][]ifdEntry{ifd0, exifIFD, gps} {
		out = append(out, le16(uint16(len(es)))...)
		for _, e := range es {
			out = append(out, le16(e.tag)...)
			out = append(out, le16(e.typ)...)
			out = append(out, le32(e.count)...)
			if len(e.value) <= 4 {
				out = append(out, append(e.value, make([]byte, 4-len(e.value))...)...)
				continue
			}
			out = append(out, le32(dataAt+uint32(len(data)))...)
			data = append(data, e.value...)
		}
		out = append(out, 0, 0, 0, 0)
	}
	return append(out, data...)
}

func ref(v float64, pos, neg string) string {
	if v < 0 {
		return neg + "\x00"
	}
	return pos + "\x00"
}

// dms writes |v| degrees as three rationals: degrees, minutes, seconds/100.
func dms(v float64) []byte {
	v = math.Abs(v)
	d := math.Floor(v)
	m := math.Floor((v - d) * 60)
	s := math.Round(((v-d)*60 - m) * 60 * 100)
	return le32(uint32(d), 1, uint32(m), 1, uint32(s), 100)
}

func le16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }

func le32(vs ...uint32) []byte {
	var out []byte
	for _, v := range vs {
		out = binary.LittleEndian.AppendUint32(out, v)
	}
	return out
}
