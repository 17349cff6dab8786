package jpegscale

import (
	"encoding/binary"
	"io"
)

// The entropy decoding of a sequential (baseline or extended) scan, which
// is most of a reduced-scale decode's time. The bit buffer is a 64-bit
// word whose unread bits are its most significant ones: the next code's
// table index is the word's top fastBits bits (one constant shift), and
// reading a code with its value bits is one shift by the table entry's
// total length, so that the chain of work from one code to the next is a
// shift, a load and a shift. A Huffman code is read by one look-up in a
// table that gives its symbol, its length and its length with its value
// bits. The buffer is refilled only when under 32 bits hold (one refill
// serves a code and its value bits, at most 16 + 16, and usually
// several), four bytes at once inline when none is 0xff. Coefficients a
// reduced-scale block does not use are read past without being extended
// or stored. The decoded coefficients are those of scan.go's general
// path, exactly.

// seqScans is whether sequential scans are decoded here; tests turn it
// off to compare with scan.go's general path.
var seqScans = true

// fastBits is the log-2 size of huffman.fast.
const fastBits = 9

// seqBits is the bit buffer of a sequential scan.
type seqBits struct {
	// acc's n highest bits are the unread bits, the first most
	// significant; its other bits are zero.
	acc uint64
	n   uint
	// pad is how many of those n bits (the last) are zeros made up past
	// the end of the entropy-coded segment (a marker, or the end of the
	// input): a block that reads into them is truncated.
	pad uint
	// marker is set once the segment's end is reached; err is the read
	// error that ended it, if not the end of the input.
	marker bool
	err    error
}

// buildFast fills h.fast from h's codes: for each fastBits-bit prefix
// starting with a code of at most fastBits bits, an entry of fastEntry's
// form; 0 for a longer code.
func (h *huffman) buildFast(nCodes *[maxCodeLength]int32) {
	clear(h.fast[:])
	var x, code uint32
	for i := uint32(0); i < fastBits; i++ {
		code <<= 1
		for j := int32(0); j < nCodes[i]; j++ {
			base := code << (fastBits - 1 - i)
			v := fastEntry(h.vals[x], uint(i+1))
			for k := uint32(0); k < 1<<(fastBits-1-i); k++ {
				h.fast[base|k] = v
			}
			code++
			x++
		}
	}
}

// fastEntry is the entry of a code of length l for symbol sym: sym<<16,
// then l<<8, then the length of the code and the value bits that follow
// it (an AC symbol's low four bits; at most 31). The sum is wrong for a DC
// symbol, which is all value size, and unused there.
func fastEntry(sym uint8, l uint) uint32 {
	return uint32(sym)<<16 | uint32(l)<<8 | uint32(l+uint(sym&0x0f))
}

// refill tops the bit buffer acc (n bits) up to more than 56 bits from
// the segment's bytes, undoing byte stuffing; past the segment's end it
// adds zeros and counts them in d.seq.pad. Each byte goes in just below
// the unread bits.
func (d *decoder) refill(acc uint64, n uint) (uint64, uint) {
	i, j := d.bytes.i, d.bytes.j
	for n <= 56 {
		if d.seq.marker {
			n += 8
			d.seq.pad += 8
			continue
		}
		if i+1 < j {
			c := d.bytes.buf[i]
			if c != 0xff {
				acc |= uint64(c) << (56 - n)
				n += 8
				i++
				continue
			}
			if d.bytes.buf[i+1] == 0 {
				acc |= 0xff << (56 - n)
				n += 8
				i += 2
				continue
			}
			// A marker: the segment ends before it.
			d.seq.marker = true
			continue
		}
		// Under two bytes buffered.
		if i == j {
			d.bytes.i = i
			if err := d.fill(); err != nil {
				d.seq.marker = true
				d.seq.err = err
			}
			i, j = d.bytes.i, d.bytes.j
			continue
		}
		c := d.bytes.buf[i]
		if c != 0xff {
			acc |= uint64(c) << (56 - n)
			n += 8
			i++
			continue
		}
		// A lone 0xff at the buffer's end: fill keeps it just before the
		// new bytes, so it can be given back if a marker follows.
		d.bytes.i = i + 1
		err := d.fill()
		i, j = d.bytes.i, d.bytes.j
		if err != nil {
			d.seq.marker = true
			d.seq.err = err
			i--
			continue
		}
		if d.bytes.buf[i] == 0 {
			acc |= 0xff << (56 - n)
			n += 8
			i++
			continue
		}
		d.seq.marker = true
		i--
	}
	d.bytes.i = i
	return acc, n
}

// slowSymbol decodes a Huffman code longer than fastBits from the top of
// acc; ok is false for a code h does not have.
func slowSymbol(h *huffman, acc uint64) (sym uint8, length uint, ok bool) {
	code := int32(0)
	for i := uint(0); i < maxCodeLength; i++ {
		code = code<<1 | int32(acc>>(63-i)&1)
		if code <= h.maxCodes[i] {
			return h.vals[h.valsIndices[i]+code-h.minCodes[i]], i + 1, true
		}
	}
	return 0, 0, false
}

// The refills below take the common case inline (four bytes without a
// 0xff among them go in at once): a call in the loops would keep acc and n
// in memory rather than registers.

// decodeSeqBlock decodes one block of a sequential scan into b (zeroed,
// natural order), dequantized by qt: its DC difference added to *dc, and
// its AC coefficients, of which those after zigzag index keep are read
// past.
func (d *decoder) decodeSeqBlock(b *block, dcH, acH *huffman, dc *int32, keep int, qt *block) error {
	acc, n := d.seq.acc, d.seq.n
	if n < 32 {
		if i := d.bytes.i; i+4 <= d.bytes.j {
			v := binary.BigEndian.Uint32(d.bytes.buf[i : i+4])
			if x := ^v; (x-0x01010101)&^x&0x80808080 == 0 {
				d.bytes.i = i + 4
				acc |= uint64(v) << ((32 - n) & 63)
				n += 32
			} else {
				acc, n = d.refill(acc, n)
			}
		} else {
			acc, n = d.refill(acc, n)
		}
	}
	// The DC coefficient, section F.2.2.1.
	var sym uint8
	var l uint
	if e := dcH.fast[acc>>(64-fastBits)]; e != 0 {
		sym, l = uint8(e>>16), uint(e>>8&0xff)
	} else {
		var ok bool
		if sym, l, ok = slowSymbol(dcH, acc); !ok {
			return FormatError("bad Huffman code")
		}
	}
	acc <<= l & 63
	n -= l
	if sym > 16 {
		return UnsupportedError("excessive DC component")
	}
	if sym != 0 {
		v := int32(acc >> ((64 - uint(sym)) & 63))
		if v < 1<<(sym-1) {
			v += -1<<sym + 1
		}
		*dc += v
		acc <<= uint(sym) & 63
		n -= uint(sym)
	}
	b[0] = *dc * qt[0]

	if d.eobRun > 0 {
		d.eobRun--
		d.seq.acc, d.seq.n = acc, n
		return d.seqCheck()
	}
	// The AC coefficients, section F.2.2.2: those up to keep, extended and
	// stored; then the others, read past.
	zig := 1
	for zig <= keep {
		if n < 32 {
			if i := d.bytes.i; i+4 <= d.bytes.j {
				v := binary.BigEndian.Uint32(d.bytes.buf[i : i+4])
				if x := ^v; (x-0x01010101)&^x&0x80808080 == 0 {
					d.bytes.i = i + 4
					acc |= uint64(v) << ((32 - n) & 63)
					n += 32
				} else {
					acc, n = d.refill(acc, n)
				}
			} else {
				acc, n = d.refill(acc, n)
			}
		}
		e := acH.fast[acc>>(64-fastBits)]
		if e == 0 {
			sym, l, ok := slowSymbol(acH, acc)
			if !ok {
				return FormatError("bad Huffman code")
			}
			e = fastEntry(sym, l)
		}
		run, size := int(e>>20)&0x0f, uint(e>>16)&0x0f
		if size == 0 {
			acc <<= uint(e) & 63
			n -= uint(e) & 0xff
			if run == 0x0f {
				zig += 0x10
				continue
			}
			d.endOfBand(&acc, &n, run)
			goto done
		}
		zig += run
		if zig > keep {
			if zig >= blockSize {
				// Past the block: its value is not read.
				l := uint(e>>8) & 0xff
				acc <<= l & 63
				n -= l
				goto done
			}
			acc <<= uint(e) & 63
			n -= uint(e) & 0xff
			zig++
			break
		}
		v := int32(acc << (uint(e>>8) & 63) >> ((64 - size) & 63))
		acc <<= uint(e) & 63
		n -= uint(e) & 0xff
		if v < 1<<(size-1) {
			v += -1<<size + 1
		}
		b[unzig[zig]] = v * qt[zig]
		zig++
	}
	for zig < blockSize {
		if n < 32 {
			if i := d.bytes.i; i+4 <= d.bytes.j {
				v := binary.BigEndian.Uint32(d.bytes.buf[i : i+4])
				if x := ^v; (x-0x01010101)&^x&0x80808080 == 0 {
					d.bytes.i = i + 4
					acc |= uint64(v) << ((32 - n) & 63)
					n += 32
				} else {
					acc, n = d.refill(acc, n)
				}
			} else {
				acc, n = d.refill(acc, n)
			}
		}
		e := acH.fast[acc>>(64-fastBits)]
		if e == 0 {
			sym, l, ok := slowSymbol(acH, acc)
			if !ok {
				return FormatError("bad Huffman code")
			}
			e = fastEntry(sym, l)
		}
		run := int(e>>20) & 0x0f
		if e&0x0f0000 == 0 {
			acc <<= uint(e) & 63
			n -= uint(e) & 0xff
			if run == 0x0f {
				zig += 0x10
				continue
			}
			d.endOfBand(&acc, &n, run)
			break
		}
		zig += run
		if zig >= blockSize {
			l := uint(e>>8) & 0xff
			acc <<= l & 63
			n -= l
			break
		}
		acc <<= uint(e) & 63
		n -= uint(e) & 0xff
		zig++
	}
done:
	d.seq.acc, d.seq.n = acc, n
	return d.seqCheck()
}

// endOfBand reads an end-of-block code's run of blocks: 1 for EOB, more
// for the EOBn codes of progressive scans that a sequential one should not
// have (read as the general path does).
func (d *decoder) endOfBand(acc *uint64, n *uint, run int) {
	d.eobRun = uint16(1 << run)
	if run != 0 {
		d.eobRun |= uint16(*acc >> ((64 - uint(run)) & 63))
		*acc <<= uint(run) & 63
		*n -= uint(run)
	}
	d.eobRun--
}

// seqCheck is the error of a block that read past its segment's end.
func (d *decoder) seqCheck() error {
	if d.seq.n < d.seq.pad {
		if d.seq.err != nil && d.seq.err != io.ErrUnexpectedEOF {
			return d.seq.err
		}
		return errShortHuffmanData
	}
	return nil
}
