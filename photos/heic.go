package photos

import (
	"encoding/binary"
)

// bmffBox is one ISO BMFF box found in a byte slice: its type, its body
// (clipped to the slice) and where the body starts in the file.
type bmffBox struct {
	typ   string
	body  []byte
	start int
}

// bmffBoxes lists the boxes laid end to end in b, whose first byte is at
// file offset base.
func bmffBoxes(b []byte, base int) []bmffBox {
	var out []bmffBox
	for off := 0; off+8 <= len(b); {
		size, hdr := int(binary.BigEndian.Uint32(b[off:])), 8
		switch size {
		case 0:
			size = len(b) - off
		case 1:
			if off+16 > len(b) {
				return out
			}
			big := binary.BigEndian.Uint64(b[off+8:])
			size, hdr = len(b)-off, 16
			if big < uint64(size) {
				size = int(big)
			}
		}
		if size < hdr {
			return out
		}
		end := min(off+size, len(b))
		out = append(out, bmffBox{typ: string(b[off+4 : off+8]), body: b[off+hdr : end], start: base + off + hdr})
		off += size
	}
	return out
}

// child returns the first box of type typ among the boxes of b.
func child(b bmffBox, typ string, full bool) (bmffBox, bool) {
	body, start := b.body, b.start
	if full { // a full box starts with version and flags
		if len(body) < 4 {
			return bmffBox{}, false
		}
		body, start = body[4:], start+4
	}
	for _, c := range bmffBoxes(body, start) {
		if c.typ == typ {
			return c, true
		}
	}
	return bmffBox{}, false
}

// heicMeta returns the top-level meta box found in head.
func heicMeta(head []byte) (bmffBox, bool) {
	return child(bmffBox{body: head}, "meta", false)
}

// heicSize reads the image size from the 'ispe' properties of the meta box
// in head, taking the largest (the primary image, not a thumbnail or
// tile); 0, 0 when head does not hold them.
func heicSize(head []byte) (w, h int) {
	meta, ok := heicMeta(head)
	if !ok {
		return 0, 0
	}
	iprp, ok := child(meta, "iprp", true)
	if !ok {
		return 0, 0
	}
	ipco, ok := child(iprp, "ipco", false)
	if !ok {
		return 0, 0
	}
	for _, p := range bmffBoxes(ipco.body, ipco.start) {
		if p.typ != "ispe" || len(p.body) < 12 {
			continue
		}
		pw, ph := int(binary.BigEndian.Uint32(p.body[4:])), int(binary.BigEndian.Uint32(p.body[8:]))
		if uint64(pw)*uint64(ph) > uint64(w)*uint64(h) { // each below 2^32: no wrap
			w, h = pw, ph
		}
	}
	return w, h
}

// heicExif returns the TIFF bytes of the 'Exif' item when head holds both
// the meta box that locates it and the item itself; nil otherwise.
func heicExif(head []byte) []byte {
	meta, ok := heicMeta(head)
	if !ok {
		return nil
	}
	id, ok := exifItemID(meta)
	if !ok {
		return nil
	}
	off, n, ok := itemExtent(meta, id)
	if !ok || off < 0 || n < 8 || off+n > len(head) {
		return nil
	}
	item := head[off : off+n]
	skip := int(binary.BigEndian.Uint32(item)) // offset of the TIFF header
	if 4+skip >= len(item) {
		return nil
	}
	return item[4+skip:]
}

// exifItemID finds the item of type 'Exif' in the meta box's 'iinf'.
func exifItemID(meta bmffBox) (uint32, bool) {
	iinf, ok := child(meta, "iinf", true)
	if !ok || len(iinf.body) < 6 {
		return 0, false
	}
	skip := 6 // version, flags and a 16-bit count
	if iinf.body[0] != 0 {
		skip = 8
	}
	if len(iinf.body) < skip {
		return 0, false
	}
	for _, e := range bmffBoxes(iinf.body[skip:], iinf.start+skip) {
		b := e.body
		if e.typ != "infe" || len(b) < 12 || b[0] < 2 {
			continue
		}
		if b[0] == 2 && string(b[8:12]) == "Exif" {
			return uint32(binary.BigEndian.Uint16(b[4:])), true
		}
		if b[0] == 3 && len(b) >= 14 && string(b[10:14]) == "Exif" {
			return binary.BigEndian.Uint32(b[4:]), true
		}
	}
	return 0, false
}

// itemExtent reads the file offset and length of an item's first extent
// from the meta box's 'iloc' (items stored in the file only).
func itemExtent(meta bmffBox, id uint32) (off, n int, ok bool) {
	iloc, found := child(meta, "iloc", true)
	if !found || len(iloc.body) < 8 {
		return 0, 0, false
	}
	r := &beReader{b: iloc.body}
	version := r.n(1)
	r.n(3)
	sizes := r.n(2)
	offSize, lenSize, baseSize := int(sizes>>12), int(sizes>>8&0xF), int(sizes>>4&0xF)
	idxSize, idSize := 0, 2
	if version == 1 || version == 2 {
		idxSize = int(sizes & 0xF)
	}
	if version == 2 {
		idSize = 4
	}
	count := r.n(idSize)
	for i := uint64(0); i < count && r.ok(); i++ {
		itemID := r.n(idSize)
		method := uint64(0)
		if version == 1 || version == 2 {
			method = r.n(2) & 0xF
		}
		r.n(2) // data reference index
		base := r.n(baseSize)
		extents := r.n(2)
		for e := uint64(0); e < extents && r.ok(); e++ {
			r.n(idxSize)
			eo, el := r.n(offSize), r.n(lenSize)
			if e == 0 && uint32(itemID) == id && method == 0 && r.ok() {
				return int(base + eo), int(el), true
			}
		}
	}
	return 0, 0, false
}

// beReader reads big-endian numbers of 0–8 bytes, noting when it runs out.
type beReader struct {
	b   []byte
	bad bool
}

func (r *beReader) n(size int) uint64 {
	if size == 0 || r.bad {
		return 0
	}
	if size > 8 || len(r.b) < size {
		r.bad = true
		return 0
	}
	var v uint64
	for _, c := range r.b[:size] {
		v = v<<8 | uint64(c)
	}
	r.b = r.b[size:]
	return v
}

func (r *beReader) ok() bool { return !r.bad }
