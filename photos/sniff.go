// Package photos stores photos: it checks and streams their bytes into the
// photo store, attaches them to records, makes thumbnails off the request
// path, sweeps what no photo needs, and serves resumable (tus) uploads.
package photos

import (
	"bytes"
	"encoding/binary"
)

// Content types a photo may have.
const (
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeWebP = "image/webp"
	TypeHEIC = "image/heic"
)

// sniffLen is how many leading bytes Sniff needs.
const sniffLen = 64

// heicBrands are the ftyp brands of HEIF images coded with HEVC.
var heicBrands = map[string]bool{"heic": true, "heix": true, "heim": true, "heis": true, "hevc": true, "hevx": true}

// Sniff names the photo type of the bytes that start with head (at least
// the first sniffLen bytes, or the whole file when shorter), by content
// alone, or returns "" when they are none of JPEG, PNG, WebP, HEIC.
func Sniff(head []byte) string {
	switch {
	case len(head) >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF:
		return TypeJPEG
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return TypePNG
	case len(head) >= 16 && string(head[0:4]) == "RIFF" && string(head[8:12]) == "WEBP" && string(head[12:15]) == "VP8":
		return TypeWebP
	case isHEIC(head):
		return TypeHEIC
	}
	return ""
}

// isHEIC looks at the leading ftyp box: a HEVC brand as major brand, or
// as a compatible brand of a generic HEIF (mif1, msf1) file.
func isHEIC(head []byte) bool {
	if len(head) < 16 || string(head[4:8]) != "ftyp" {
		return false
	}
	size := int(binary.BigEndian.Uint32(head))
	if size < 16 || size > len(head) {
		size = len(head)
	}
	major := string(head[8:12])
	if heicBrands[major] {
		return true
	}
	if major != "mif1" && major != "msf1" {
		return false
	}
	for i := 16; i+4 <= size; i += 4 {
		if heicBrands[string(head[i:i+4])] {
			return true
		}
	}
	return false
}
