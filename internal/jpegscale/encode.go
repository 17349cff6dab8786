// Copyright 2011 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package jpegscale

import (
	"errors"
	"image"
)

// AppendEncode appends to dst the JPEG that image/jpeg's Encode writes for
// m at the given quality (baseline, 4:2:0, its tables and its forward DCT),
// byte for byte, at a fraction of its cost: m's planes are read directly,
// the quantizing divisions are multiplications by reciprocals, and the
// entropy-coded bits go to dst through a 64-bit buffer rather than a byte
// at a time through a writer. m must be at full chroma (4:4:4), as a
// thumbnail scaled by a box filter is, or at 4:2:0 with its origin on even
// coordinates, as a JPEG decoded at a reduced scale is (image/jpeg then
// averages four copies of each chroma sample: the sample).
func AppendEncode(dst []byte, m *image.YCbCr, quality int) ([]byte, error) {
	b := m.Bounds()
	if b.Dx() >= 1<<16 || b.Dy() >= 1<<16 {
		return dst, errors.New("jpeg: image is too large to encode")
	}
	if !Encodable(m) {
		return dst, errors.New("jpeg: AppendEncode takes 4:4:4 pictures, or 4:2:0 ones at even coordinates")
	}
	var e encoder
	e.init(quality)
	e.out = dst
	e.out = append(e.out, 0xff, 0xd8)
	e.writeHeaders(b.Size())
	e.writeScan(m)
	e.out = append(e.out, 0xff, 0xd9)
	return e.out, nil
}

// Encodable reports whether AppendEncode takes m.
func Encodable(m *image.YCbCr) bool {
	switch m.SubsampleRatio {
	case image.YCbCrSubsampleRatio444:
		return m.CStride == m.YStride
	case image.YCbCrSubsampleRatio420:
		b := m.Bounds()
		return b.Min.X%2 == 0 && b.Min.Y%2 == 0
	}
	return false
}

// encQuant are the unscaled quantization tables of section K.1, in zigzag
// order, as image/jpeg has them.
var encQuant = [2][blockSize]byte{
	{
		16, 11, 12, 14, 12, 10, 16, 14,
		13, 14, 18, 17, 16, 19, 24, 40,
		26, 24, 22, 22, 24, 49, 35, 37,
		29, 40, 58, 51, 61, 60, 57, 51,
		56, 55, 64, 72, 92, 78, 64, 68,
		87, 69, 55, 56, 80, 109, 81, 87,
		95, 98, 103, 104, 103, 62, 77, 113,
		121, 112, 100, 120, 92, 101, 103, 99,
	},
	{
		17, 18, 18, 24, 21, 24, 47, 26,
		26, 47, 99, 66, 56, 66, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
	},
}

// encHuffSpec are the Huffman tables of section K.3 (luminance DC, AC,
// chrominance DC, AC), which image/jpeg uses for every picture.
var encHuffSpec = [4]struct {
	count [16]byte
	value []byte
}{
	{
		[16]byte{0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0},
		[]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
	},
	{
		[16]byte{0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 125},
		[]byte{
			0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12,
			0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
			0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08,
			0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0,
			0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16,
			0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
			0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39,
			0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
			0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59,
			0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
			0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79,
			0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
			0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98,
			0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
			0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6,
			0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5,
			0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4,
			0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
			0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea,
			0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
			0xf9, 0xfa,
		},
	},
	{
		[16]byte{0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0},
		[]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
	},
	{
		[16]byte{0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 119},
		[]byte{
			0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21,
			0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
			0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91,
			0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0,
			0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34,
			0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26,
			0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38,
			0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
			0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58,
			0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
			0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78,
			0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
			0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96,
			0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5,
			0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4,
			0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3,
			0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2,
			0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
			0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9,
			0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
			0xf9, 0xfa,
		},
	},
}

// encHuff[i][v] is the code of value v in table i: its length<<24 | code.
var encHuff [4][256]uint32

func init() {
	for i, s := range encHuffSpec {
		code, k := uint32(0), 0
		for l := range len(s.count) {
			for range s.count[l] {
				encHuff[i][s.value[k]] = uint32(l+1)<<24 | code
				code++
				k++
			}
			code <<= 1
		}
	}
}

// encoder holds the scaled quantization tables and the output.
type encoder struct {
	quant [2][blockSize]byte
	// recip[q][zig] is ⌈2³²/d⌉ for the divisor d = 8·quant[q][zig]: for
	// the n < 2²¹ that occur, n·recip >> 32 is n/d rounded down, exactly.
	recip [2][blockSize]uint64
	half  [2][blockSize]int32
	out   []byte
	// acc's n lowest bits are entropy-coded bits not yet in out.
	acc uint64
	n   uint
}

func (e *encoder) init(quality int) {
	quality = min(max(quality, 1), 100)
	scale := 200 - quality*2
	if quality < 50 {
		scale = 5000 / quality
	}
	for i := range e.quant {
		for j := range e.quant[i] {
			x := (int(encQuant[i][j])*scale + 50) / 100
			x = min(max(x, 1), 255)
			e.quant[i][j] = uint8(x)
			d := uint64(8 * x)
			e.recip[i][j] = (1<<32 + d - 1) / d
			e.half[i][j] = int32(d >> 1)
		}
	}
}

// writeHeaders writes DQT, SOF0 (three components, 4:2:0), DHT and SOS as
// image/jpeg does.
func (e *encoder) writeHeaders(size image.Point) {
	e.out = append(e.out, 0xff, 0xdb, 0, 2+2*(1+blockSize))
	for i := range e.quant {
		e.out = append(e.out, uint8(i))
		e.out = append(e.out, e.quant[i][:]...)
	}
	e.out = append(e.out, 0xff, 0xc0, 0, 8+3*3, 8,
		uint8(size.Y>>8), uint8(size.Y), uint8(size.X>>8), uint8(size.X), 3,
		1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1)
	n := 2
	for _, s := range encHuffSpec {
		n += 1 + 16 + len(s.value)
	}
	e.out = append(e.out, 0xff, 0xc4, uint8(n>>8), uint8(n))
	for i, s := range encHuffSpec {
		e.out = append(e.out, "\x00\x10\x01\x11"[i])
		e.out = append(e.out, s.count[:]...)
		e.out = append(e.out, s.value...)
	}
	e.out = append(e.out, 0xff, 0xda, 0x00, 0x0c, 0x03, 0x01, 0x00, 0x02,
		0x11, 0x03, 0x11, 0x00, 0x3f, 0x00)
}

// emit adds the nBits low bits of bits (nBits <= 32) to the stream.
func (e *encoder) emit(bits uint32, nBits uint) {
	e.acc = e.acc<<nBits | uint64(bits)
	e.n += nBits
	if e.n >= 32 {
		e.flush()
	}
}

// flush moves the whole bytes of acc to out, stuffing a zero after 0xff.
func (e *encoder) flush() {
	for e.n >= 8 {
		e.n -= 8
		c := byte(e.acc >> e.n)
		e.out = append(e.out, c)
		if c == 0xff {
			e.out = append(e.out, 0)
		}
	}
}

// emitValue emits the code of value's size (with the run length run, for
// an AC coefficient) in table h, then value's bits, as image/jpeg's
// emitHuffRLE does.
func (e *encoder) emitValue(h *[256]uint32, run, value int32) {
	a, b := value, value
	if a < 0 {
		a, b = -value, value-1
	}
	var nBits uint32
	if a < 0x100 {
		nBits = uint32(bitCount[a])
	} else {
		nBits = 8 + uint32(bitCount[a>>8])
	}
	x := h[run<<4|int32(nBits)]
	l := uint(x >> 24)
	e.emit(x&(1<<24-1)<<nBits|uint32(b)&(1<<nBits-1), l+uint(nBits))
}

// writeBlock transforms, quantizes and writes b (natural order) with the
// tables of q and returns its quantized DC.
func (e *encoder) writeBlock(b *block, q int, prevDC int32) int32 {
	fdct(b)
	recip, half := &e.recip[q], &e.half[q]
	dc := quantize(b[0], recip[0], half[0])
	dcH, acH := &encHuff[2*q], &encHuff[2*q+1]
	e.emitValue(dcH, 0, dc-prevDC)
	run := int32(0)
	for zig := 1; zig < blockSize; zig++ {
		ac := quantize(b[unzig[zig]], recip[zig], half[zig])
		if ac == 0 {
			run++
			continue
		}
		for run > 15 {
			x := acH[0xf0]
			e.emit(x&(1<<24-1), uint(x>>24))
			run -= 16
		}
		e.emitValue(acH, run, ac)
		run = 0
	}
	if run > 0 {
		x := acH[0x00]
		e.emit(x&(1<<24-1), uint(x>>24))
	}
	return dc
}

// quantize is image/jpeg's div(a, d) for the divisor d whose reciprocal
// and half are given: a over d rounded to the nearest, halves away from
// zero. Without a branch on a's sign, which noise makes unpredictable.
func quantize(a int32, recip uint64, half int32) int32 {
	sign := a >> 31
	abs := (a ^ sign) - sign
	v := int32(uint64(abs+half) * recip >> 32)
	return (v ^ sign) - sign
}

// writeScan writes m's MCUs: four luma blocks, then each chroma plane
// averaged over 2×2 pixels into one block, every coordinate past m's edge
// taking the edge's pixel, as image/jpeg's writeSOS and scale do.
func (e *encoder) writeScan(m *image.YCbCr) {
	bounds := m.Bounds()
	xmax, ymax := bounds.Max.X-1, bounds.Max.Y-1
	var b, cb, cr block
	var prevY, prevCb, prevCr int32
	var cols [16]int // plane column offsets of an MCU, clamped
	for y := bounds.Min.Y; y < bounds.Max.Y; y += 16 {
		var rows [16]int // plane row offsets of an MCU, clamped
		for j := range rows {
			rows[j] = (min(y+j, ymax) - m.Rect.Min.Y) * m.YStride
		}
		for x := bounds.Min.X; x < bounds.Max.X; x += 16 {
			// No column past the edge: rows are read as slices.
			whole := x+16 <= bounds.Max.X
			x0 := x - m.Rect.Min.X
			if !whole {
				for i := range cols {
					cols[i] = min(x+i, xmax) - m.Rect.Min.X
				}
			}
			for i := 0; i < 4; i++ {
				xOff, yOff := (i&1)*8, (i&2)*4
				for j := 0; j < 8; j++ {
					r := rows[yOff+j]
					if whole {
						src := m.Y[r+x0+xOff:]
						src = src[:8]
						dst := b[8*j : 8*j+8 : 8*j+8]
						for k := range dst {
							dst[k] = int32(src[k])
						}
						continue
					}
					for k := 0; k < 8; k++ {
						b[8*j+k] = int32(m.Y[r+cols[xOff+k]])
					}
				}
				prevY = e.writeBlock(&b, 0, prevY)
			}
			switch {
			case m.SubsampleRatio == image.YCbCrSubsampleRatio420 && whole:
				// Each 2×2 pixels' chroma sample as it is.
				cx := x/2 - m.Rect.Min.X/2
				for j := 0; j < 8; j++ {
					r := (min(y+2*j, ymax)/2-m.Rect.Min.Y/2)*m.CStride + cx
					scb, scr := m.Cb[r:r+8], m.Cr[r:r+8]
					dcb, dcr := cb[8*j:8*j+8:8*j+8], cr[8*j:8*j+8:8*j+8]
					for k := range dcb {
						dcb[k] = int32(scb[k])
						dcr[k] = int32(scr[k])
					}
				}
			case m.SubsampleRatio == image.YCbCrSubsampleRatio420:
				// The same, the edge's sample past the edge.
				for j := 0; j < 8; j++ {
					r := (min(y+2*j, ymax)/2 - m.Rect.Min.Y/2) * m.CStride
					for k := 0; k < 8; k++ {
						c := r + min(x+2*k, xmax)/2 - m.Rect.Min.X/2
						cb[8*j+k] = int32(m.Cb[c])
						cr[8*j+k] = int32(m.Cr[c])
					}
				}
			case whole:
				for j := 0; j < 8; j++ {
					cb0, cb1 := m.Cb[rows[2*j]+x0:], m.Cb[rows[2*j+1]+x0:]
					cr0, cr1 := m.Cr[rows[2*j]+x0:], m.Cr[rows[2*j+1]+x0:]
					cb0, cb1, cr0, cr1 = cb0[:16], cb1[:16], cr0[:16], cr1[:16]
					for k := 0; k < 8; k++ {
						cb[8*j+k] = (int32(cb0[2*k]) + int32(cb0[2*k+1]) + int32(cb1[2*k]) + int32(cb1[2*k+1]) + 2) >> 2
						cr[8*j+k] = (int32(cr0[2*k]) + int32(cr0[2*k+1]) + int32(cr1[2*k]) + int32(cr1[2*k+1]) + 2) >> 2
					}
				}
			default:
				for j := 0; j < 8; j++ {
					r0, r1 := rows[2*j], rows[2*j+1]
					for k := 0; k < 8; k++ {
						c0, c1 := cols[2*k], cols[2*k+1]
						cb[8*j+k] = (int32(m.Cb[r0+c0]) + int32(m.Cb[r0+c1]) + int32(m.Cb[r1+c0]) + int32(m.Cb[r1+c1]) + 2) >> 2
						cr[8*j+k] = (int32(m.Cr[r0+c0]) + int32(m.Cr[r0+c1]) + int32(m.Cr[r1+c0]) + int32(m.Cr[r1+c1]) + 2) >> 2
					}
				}
			}
			prevCb = e.writeBlock(&cb, 1, prevCb)
			prevCr = e.writeBlock(&cr, 1, prevCr)
		}
	}
	// Pad the last byte with 1s.
	e.emit(0x7f, 7)
	e.flush()
}

// bitCount is the number of bits that hold each byte value.
var bitCount = [256]byte{
	0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4,
	5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
	6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
	6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
	7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
	7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
	7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
	7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
}
