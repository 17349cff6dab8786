// Package jpegscale decodes a JPEG at 1/2, 1/4 or 1/8 of its size for
// thumbnails, reconstructing each 8×8 block straight at the reduced size
// from its lowest-frequency DCT coefficients, as libjpeg's scaled
// decoding does. The standard library decodes at full size only, which for
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

// scaleTab[s] holds, for blocks reduced to n = 8>>s pixels, the basis
// C(u)/2·cos((2x+1)uπ/2n) of an n-point inverse DCT over the n lowest
// frequencies, at [x*8+u]: the 8-point inverse DCT sampled at the centres
// of the n groups of 8/n pixels.
var scaleTab [4][64]float32

// lastZig[s] is the last zigzag index of a coefficient inside the lowest
// n×n frequencies.
var lastZig [4]int

func init() {
	for s := 1; s < 4; s++ {
		n := 8 >> s
		for x := range n {
			for u := range n {
				c := 1.0
				if u == 0 {
					c = 1 / math.Sqrt2
				}
				scaleTab[s][x*8+u] = float32(c / 2 * math.Cos(float64(2*x+1)*float64(u)*math.Pi/float64(2*n)))
			}
		}
		for zig, nat := range unzig {
			if nat%8 < n && nat/8 < n {
				lastZig[s] = max(lastZig[s], zig)
			}
		}
	}
}

// idctScaled replaces the dequantized coefficients in b (natural order)
// with the n×n pixels (level-shifted by -128) of the block reduced to n
// pixels a side (n = 4, 2 or 1), row by row at the start of b.
func idctScaled(b *block, n int) {
	if n == 1 {
		b[0] = int32(math.Floor(float64(b[0])/8 + 0.5))
		return
	}
	if n == 4 {
		idct4(b)
		return
	}
	s := 1
	if n == 2 {
		s = 2
	}
	t := &scaleTab[s]
	// Rows: tmp[v][x] = Σ_u T[x][u]·F[v][u].
	var tmp [16]float32
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
	var out [16]int32
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

// idct4 is idctScaled for n = 4, unrolled: the same products summed in the
// same order, so the same pixels, at a fraction of the loops' cost.
func idct4(b *block) {
	t := &scaleTab[1]
	t00, t01, t02, t03 := t[0], t[1], t[2], t[3]
	t10, t11, t12, t13 := t[8], t[9], t[10], t[11]
	t20, t21, t22, t23 := t[16], t[17], t[18], t[19]
	t30, t31, t32, t33 := t[24], t[25], t[26], t[27]
	var tmp [16]float32
	for v := 0; v < 4; v++ {
		r := b[v*8 : v*8+4 : v*8+4]
		f0, f1, f2, f3 := float32(r[0]), float32(r[1]), float32(r[2]), float32(r[3])
		o := tmp[v*4 : v*4+4 : v*4+4]
		o[0] = 0 + t00*f0 + t01*f1 + t02*f2 + t03*f3
		o[1] = 0 + t10*f0 + t11*f1 + t12*f2 + t13*f3
		o[2] = 0 + t20*f0 + t21*f1 + t22*f2 + t23*f3
		o[3] = 0 + t30*f0 + t31*f1 + t32*f2 + t33*f3
	}
	for x := 0; x < 4; x++ {
		c0, c1, c2, c3 := tmp[x], tmp[4+x], tmp[8+x], tmp[12+x]
		b[x] = int32(math.Floor(float64(0+t00*c0+t01*c1+t02*c2+t03*c3) + 0.5))
		b[4+x] = int32(math.Floor(float64(0+t10*c0+t11*c1+t12*c2+t13*c3) + 0.5))
		b[8+x] = int32(math.Floor(float64(0+t20*c0+t21*c1+t22*c2+t23*c3) + 0.5))
		b[12+x] = int32(math.Floor(float64(0+t30*c0+t31*c1+t32*c2+t33*c3) + 0.5))
	}
}
