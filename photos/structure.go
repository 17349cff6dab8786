package photos

import (
	"bytes"
	"encoding/binary"
)

// jpegWalker follows a JPEG's marker segments as its bytes stream past:
// it notes the frame size from the first SOF segment and whether the
// end-of-image marker arrived (bytes after it, such as a motion photo's
// video, are allowed). It never holds more than a few bytes.
type jpegWalker struct {
	state         int
	marker        byte
	lenBuf        [2]byte
	lenN          int
	remain        int
	sof           [5]byte
	sofN          int
	width, height int
	done, bad     bool
}

const (
	jpegMarkerFF = iota // expecting 0xFF
	jpegMarkerCode
	jpegLength
	jpegSegment
	jpegEntropy
	jpegEntropyFF
)

// isSOF reports whether m starts a frame (SOF0–SOF15 but DHT, JPG, DAC).
func isSOF(m byte) bool {
	return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC
}

// standalone reports whether m is a marker without a length: SOI, RSTn, TEM.
func standalone(m byte) bool {
	return m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01
}

func (w *jpegWalker) Write(p []byte) {
	for len(p) > 0 && !w.done && !w.bad {
		switch w.state {
		case jpegMarkerFF:
			if p[0] != 0xFF {
				w.bad = true
				return
			}
			w.state, p = jpegMarkerCode, p[1:]
		case jpegMarkerCode, jpegEntropyFF:
			w.code(p[0], w.state == jpegEntropyFF)
			p = p[1:]
		case jpegLength:
			w.lenBuf[w.lenN], w.lenN, p = p[0], w.lenN+1, p[1:]
			if w.lenN == 2 {
				w.startSegment()
			}
		case jpegSegment:
			k := min(w.remain, len(p))
			if isSOF(w.marker) && w.sofN < len(w.sof) {
				w.sofN += copy(w.sof[w.sofN:], p[:k])
			}
			w.remain, p = w.remain-k, p[k:]
			if w.remain == 0 {
				w.endSegment()
			}
		case jpegEntropy:
			i := bytes.IndexByte(p, 0xFF)
			if i < 0 {
				return
			}
			w.state, p = jpegEntropyFF, p[i+1:]
		}
	}
}

// code handles the byte after a 0xFF; in entropy-coded data 0xFF00 is a
// stuffed 0xFF and RSTn markers keep the scan going.
func (w *jpegWalker) code(m byte, entropy bool) {
	switch {
	case m == 0xFF: // fill byte
	case m == 0xD9:
		w.done = true
	case entropy && (m == 0x00 || (m >= 0xD0 && m <= 0xD7)):
		w.state = jpegEntropy
	case m == 0x00:
		w.bad = true
	case standalone(m):
		w.state = jpegMarkerFF
	default:
		w.marker, w.lenN, w.state = m, 0, jpegLength
	}
}

func (w *jpegWalker) startSegment() {
	n := int(binary.BigEndian.Uint16(w.lenBuf[:]))
	if n < 2 {
		w.bad = true
		return
	}
	w.remain, w.sofN, w.state = n-2, 0, jpegSegment
	if w.remain == 0 {
		w.endSegment()
	}
}

func (w *jpegWalker) endSegment() {
	if isSOF(w.marker) && w.sofN == len(w.sof) && w.width == 0 {
		w.height = int(binary.BigEndian.Uint16(w.sof[1:3]))
		w.width = int(binary.BigEndian.Uint16(w.sof[3:5]))
	}
	w.state = jpegMarkerFF
	if w.marker == 0xDA { // start of scan: entropy-coded data follows
		w.state = jpegEntropy
	}
}

// boxWalker follows the top-level boxes of an ISO BMFF (HEIC) file as its
// bytes stream past, to tell a whole file from a cut one.
type boxWalker struct {
	hdr    [16]byte
	hdrN   int
	remain int64
	boxes  int
	toEOF  bool
	bad    bool
}

func (w *boxWalker) Write(p []byte) {
	for len(p) > 0 && !w.toEOF && !w.bad {
		if w.remain > 0 {
			k := int(min(w.remain, int64(len(p))))
			w.remain, p = w.remain-int64(k), p[k:]
			continue
		}
		need := 8
		if w.hdrN >= 8 && binary.BigEndian.Uint32(w.hdr[:4]) == 1 {
			need = 16
		}
		k := copy(w.hdr[w.hdrN:need], p)
		w.hdrN, p = w.hdrN+k, p[k:]
		if w.hdrN == need {
			w.endHeader(need)
		}
	}
}

func (w *boxWalker) endHeader(n int) {
	size := int64(binary.BigEndian.Uint32(w.hdr[:4]))
	switch {
	case size == 1 && n == 8:
		return // a 64-bit size follows
	case size == 1:
		size = int64(binary.BigEndian.Uint64(w.hdr[8:16]))
	case size == 0:
		w.toEOF, w.boxes = true, w.boxes+1
		return
	}
	if size < int64(n) {
		w.bad = true
		return
	}
	w.remain, w.hdrN, w.boxes = size-int64(n), 0, w.boxes+1
}

// complete reports whether the stream ended exactly at the end of a box.
func (w *boxWalker) complete() bool {
	return !w.bad && w.boxes > 0 && (w.toEOF || (w.remain == 0 && w.hdrN == 0))
}
