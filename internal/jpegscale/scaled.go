// Package jpegscale decodes a JPEG at M/8 of its size (M from 1 to 8) for
// thumbnails, reconstructing each 8×8 block straight at M×M pixels from
// its lowest-frequency DCT coefficients, as libjpeg's scaled decoding
// does. The standard library decodes at full size only, which for
// a thumbnail spends most of its time on pixels the thumbnail drops.
//
// The decoder is the standard library's image/jpeg (Go 1.26, BSD licence,
// see the copyright notices of reader.go, scan.go, huffman.go and dct.go)
// with makeImg and reconstructBlock taught the reduced block size, its
// format registration and CMYK conversion removed.
package jpegscale

import (
	"math"
)

// scaleTab[n] holds, for blocks reduced to n pixels a side (n < 8), the
// basis C(u)/2·cos((2x+1)uπ/2n) of an n-point inverse DCT over the n
// lowest frequencies, at [x*8+u]: the 8-point inverse DCT sampled at the
// centres of the n groups of 8/n pixels.
var scaleTab [9][64]float32

// lastZig[n] is the last zigzag index of a coefficient inside the lowest
// n×n frequencies.
var lastZig [9]int

func init() {
	for n := 1; n <= 8; n++ {
		for x := range n {
			for u := range n {
				c := 1.0
				if u == 0 {
					c = 1 / math.Sqrt2
				}
				scaleTab[n][x*8+u] = float32(c / 2 * math.Cos(float64(2*x+1)*float64(u)*math.Pi/float64(2*n)))
			}
		}
		for zig, nat := range unzig {
			if nat%8 < n && nat/8 < n {
				lastZig[n] = max(lastZig[n], zig)
			}
		}
	}
}

// idctScaled replaces the dequantized coefficients in b (natural order)
// with the n×n pixels (level-shifted by -128) of the block reduced to n
// pixels a side (n < 8), row by row at the start of b.
func idctScaled(b *block, n int) {
	if n == 1 {
		b[0] = int32(math.Floor(float64(b[0])/8 + 0.5))
		return
	}
	t := &scaleTab[n]
	// Rows: tmp[v][x] = Σ_u T[x][u]·F[v][u].
	var tmp [64]float32
	for v := range n {
		for x := range n {
			var sum float32
			for u := range n {
				sum += t[x*8+u] * float32(b[v*8+u])
			}
			tmp[v*n+x] = sum
		}
	}
	// Columns: out[y][x] = Σ_v T[y][v]·tmp[v][x].
	var out [64]int32
	for y := range n {
		for x := range n {
			var sum float32
			for v := range n {
				sum += t[y*8+v] * tmp[v*n+x]
			}
			out[y*n+x] = int32(math.Floor(float64(sum) + 0.5))
		}
	}
	copy(b[:n*n], out[:n*n])
}

// idct4Tab is scaleTab[4] in fixed point, 13 fractional bits, at [x*4+u];
// fixedTab[n] is scaleTab[n] so, at [x*8+u].
var (
	idct4Tab [16]int32
	fixedTab [9][64]int32
)

func init() {
	for x := range 4 {
		for u := range 4 {
			idct4Tab[x*4+u] = int32(math.Round(float64(scaleTab[4][x*8+u]) * (1 << 13)))
		}
	}
	for n := 1; n < 8; n++ {
		for i := range 64 {
			fixedTab[n][i] = int32(math.Round(float64(scaleTab[n][i]) * (1 << 13)))
		}
	}
}

// idct3 is idctFixed for n = 3, unrolled (the reduction that takes a
// phone's 852×639 photo, or 1280×960 at 2/8, straight to a thumbnail).
func idct3(b *block, dst []byte, stride int) {
	t := &fixedTab[3]
	t00, t01, t02 := t[0], t[1], t[2]
	t10, t11, t12 := t[8], t[9], t[10]
	t20, t21, t22 := t[16], t[17], t[18]
	var tmp [9]int32
	for v := 0; v < 3; v++ {
		r := b[v*8 : v*8+3 : v*8+3]
		f0, f1, f2 := r[0], r[1], r[2]
		o := tmp[v*3 : v*3+3 : v*3+3]
		o[0] = (t00*f0 + t01*f1 + t02*f2 + 1<<10) >> 11
		o[1] = (t10*f0 + t11*f1 + t12*f2 + 1<<10) >> 11
		o[2] = (t20*f0 + t21*f1 + t22*f2 + 1<<10) >> 11
	}
	_ = dst[2*stride+2]
	const bias = 128<<15 + 1<<14
	for x := 0; x < 3; x++ {
		c0, c1, c2 := tmp[x], tmp[3+x], tmp[6+x]
		dst[x] = clip((t00*c0 + t01*c1 + t02*c2 + bias) >> 15)
		dst[stride+x] = clip((t10*c0 + t11*c1 + t12*c2 + bias) >> 15)
		dst[2*stride+x] = clip((t20*c0 + t21*c1 + t22*c2 + bias) >> 15)
	}
}

// idctFixed is idct4's fixed-point arithmetic for any n from 2 to 7: the
// block's n×n pixels from its lowest n×n frequencies, written
// level-shifted and clipped at dst, stride apart.
func idctFixed(b *block, n int, dst []byte, stride int) {
	t := &fixedTab[n]
	var tmp [64]int32
	for v := range n {
		r := b[v*8 : v*8+8 : v*8+8]
		for x := range n {
			tx := t[x*8 : x*8+8 : x*8+8]
			var sum int32
			for u := range n {
				sum += tx[u] * r[u]
			}
			tmp[v*8+x] = (sum + 1<<10) >> 11
		}
	}
	const bias = 128<<15 + 1<<14
	for y := range n {
		ty := t[y*8 : y*8+8 : y*8+8]
		row := dst[y*stride : y*stride+n]
		for x := range row {
			sum := int32(bias)
			for v := range n {
				sum += ty[v] * tmp[v*8+x]
			}
			row[x] = clip(sum >> 15)
		}
	}
}

// idct4 is the 4-point inverse DCT of the lowest 4×4 frequencies of the
// dequantized block b, in fixed point (rows kept with 2 fractional bits
// between the passes, as libjpeg's reduced inverse DCTs do), written
// level-shifted and clipped as the block's 4×4 pixels at dst, stride apart.
func idct4(b *block, dst []byte, stride int) {
	t := &idct4Tab
	var tmp [16]int32
	for v := 0; v < 4; v++ {
		r := b[v*8 : v*8+4 : v*8+4]
		f0, f1, f2, f3 := r[0], r[1], r[2], r[3]
		o := tmp[v*4 : v*4+4 : v*4+4]
		o[0] = (t[0]*f0 + t[1]*f1 + t[2]*f2 + t[3]*f3 + 1<<10) >> 11
		o[1] = (t[4]*f0 + t[5]*f1 + t[6]*f2 + t[7]*f3 + 1<<10) >> 11
		o[2] = (t[8]*f0 + t[9]*f1 + t[10]*f2 + t[11]*f3 + 1<<10) >> 11
		o[3] = (t[12]*f0 + t[13]*f1 + t[14]*f2 + t[15]*f3 + 1<<10) >> 11
	}
	_ = dst[3*stride+3]
	for x := 0; x < 4; x++ {
		c0, c1, c2, c3 := tmp[x], tmp[4+x], tmp[8+x], tmp[12+x]
		// +128 level shift and rounding, before the 15-bit descale.
		const bias = 128<<15 + 1<<14
		dst[x] = clip((t[0]*c0 + t[1]*c1 + t[2]*c2 + t[3]*c3 + bias) >> 15)
		dst[stride+x] = clip((t[4]*c0 + t[5]*c1 + t[6]*c2 + t[7]*c3 + bias) >> 15)
		dst[2*stride+x] = clip((t[8]*c0 + t[9]*c1 + t[10]*c2 + t[11]*c3 + bias) >> 15)
		dst[3*stride+x] = clip((t[12]*c0 + t[13]*c1 + t[14]*c2 + t[15]*c3 + bias) >> 15)
	}
}

// clip clamps v to a byte.
func clip(v int32) byte {
	if uint32(v) > 255 {
		if v < 0 {
			return 0
		}
		return 255
	}
	return byte(v)
}
