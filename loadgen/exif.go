package loadgen

import (
	"encoding/binary"
	"math"
	"time"
)

// shanghai is China Standard Time, the zone phones' cameras write.
var shanghai = time.FixedZone("CST", 8*3600)

// TIFF field types used in the EXIF block.
const (
	tiffByte     = 1
	tiffASCII    = 2
	tiffLong     = 4
	tiffRational = 5
)

// tiffEntry is one field of an image file directory.
type tiffEntry struct {
	tag, typ uint16
	count    uint32
	data     []byte // big-endian value bytes
}

// exifTIFF builds a big-endian TIFF block with what a phone camera
// records: IFD0 pointing at an Exif IFD (DateTimeOriginal and
// OffsetTimeOriginal, in China Standard Time) and a GPS IFD.
func exifTIFF(t time.Time, lat, lng float64) []byte {
	local := t.In(shanghai)
	exif := []tiffEntry{
		ascii(0x9003, local.Format("2006:01:02 15:04:05")),
		ascii(0x9011, "+08:00"),
	}
	latRef, lngRef := "N", "E"
	if lat < 0 {
		latRef, lat = "S", -lat
	}
	if lng < 0 {
		lngRef, lng = "W", -lng
	}
	gps := []tiffEntry{
		{tag: 0x0000, typ: tiffByte, count: 4, data: []byte{2, 2, 0, 0}},
		ascii(0x0001, latRef), {tag: 0x0002, typ: tiffRational, count: 3, data: dms(lat)},
		ascii(0x0003, lngRef), {tag: 0x0004, typ: tiffRational, count: 3, data: dms(lng)},
	}
	const ifd0At = 8
	exifAt := uint32(ifd0At + ifdSize(2))
	gpsAt := exifAt + uint32(ifdSize(len(exif))+dataSize(exif))
	ifd0 := []tiffEntry{long(0x8769, exifAt), long(0x8825, gpsAt)}
	out := []byte{'M', 'M', 0, 42, 0, 0, 0, ifd0At}
	out = appendIFD(out, ifd0)
	out = appendIFD(out, exif)
	return appendIFD(out, gps)
}

func ascii(tag uint16, s string) tiffEntry {
	return tiffEntry{tag: tag, typ: tiffASCII, count: uint32(len(s) + 1), data: append([]byte(s), 0)}
}

func long(tag uint16, v uint32) tiffEntry {
	return tiffEntry{tag: tag, typ: tiffLong, count: 1, data: binary.BigEndian.AppendUint32(nil, v)}
}

// dms writes degrees as three rationals: degrees, minutes, seconds/1000.
func dms(deg float64) []byte {
	d := math.Floor(deg)
	m := math.Floor((deg - d) * 60)
	s := math.Round(((deg-d)*60 - m) * 60 * 1000)
	var b []byte
	for _, v := range [][2]uint32{{uint32(d), 1}, {uint32(m), 1}, {uint32(s), 1000}} {
		b = binary.BigEndian.AppendUint32(b, v[0])
		b = binary.BigEndian.AppendUint32(b, v[1])
	}
	return b
}

func ifdSize(n int) int { return 2 + 12*n + 4 }

// dataSize is the room the values longer than four bytes take after the
// directory, each padded to an even length.
func dataSize(entries []tiffEntry) int {
	n := 0
	for _, e := range entries {
		if len(e.data) > 4 {
			n += len(e.data) + len(e.data)%2
		}
	}
	return n
}

// appendIFD writes a directory at the end of out (offsets are from the
// start of the TIFF block) followed by its long values; it has no next.
func appendIFD(out []byte, entries []tiffEntry) []byte {
	dataAt := uint32(len(out) + ifdSize(len(entries)))
	var data []byte
	out = binary.BigEndian.AppendUint16(out, uint16(len(entries)))
	for _, e := range entries {
		out = binary.BigEndian.AppendUint16(out, e.tag)
		out = binary.BigEndian.AppendUint16(out, e.typ)
		out = binary.BigEndian.AppendUint32(out, e.count)
		if len(e.data) <= 4 {
			out = append(out, append(e.data, make([]byte, 4-len(e.data))...)...)
			continue
		}
		out = binary.BigEndian.AppendUint32(out, dataAt+uint32(len(data)))
		data = append(data, e.data...)
		if len(e.data)%2 == 1 {
			data = append(data, 0)
		}
	}
	out = binary.BigEndian.AppendUint32(out, 0)
	return append(out, data...)
}
