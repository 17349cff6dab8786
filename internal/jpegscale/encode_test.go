package jpegscale

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand"
	"testing"
)

// noisy444 paints a w×h 4:4:4 picture of gradients with noise of the given
// amplitude (0 for smooth), so that coefficients of every size occur.
func noisy444(w, h, noise int, seed int64) *image.YCbCr {
	rng := rand.New(rand.NewSource(seed))
	m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio444)
	for y := range h {
		for x := range w {
			i := y*m.YStride + x
			n := 0
			if noise > 0 {
				n = rng.Intn(noise)
			}
			m.Y[i] = uint8((x*7 + y*3 + n) % 256)
			m.Cb[i] = uint8(min(255, 100+x%40+n/2))
			m.Cr[i] = uint8(max(0, 160-y%50-n/3))
		}
	}
	return m
}

// TestAppendEncodeMatchesImageJPEG expects image/jpeg's bytes exactly, for
// sizes on and off the 16-pixel MCU grid, smooth and noisy pictures, a
// picture not at the origin, and qualities from 1 to 100.
func TestAppendEncodeMatchesImageJPEG(t *testing.T) {
	type input struct {
		name string
		m    *image.YCbCr
	}
	var inputs []input
	for _, size := range []image.Point{{320, 240}, {213, 320}, {1, 1}, {7, 5}, {17, 33}, {320, 180}} {
		for _, noise := range []int{0, 60, 256} {
			inputs = append(inputs, input{fmt.Sprintf("%v noise %d", size, noise), noisy444(size.X, size.Y, noise, int64(size.X+noise))})
		}
	}
	inputs = append(inputs, input{"sub-image", noisy444(100, 80, 40, 3).SubImage(image.Rect(5, 7, 90, 61)).(*image.YCbCr)})
	for _, size := range []image.Point{{320, 240}, {213, 320}, {1, 1}, {7, 5}, {17, 33}} {
		m := image.NewYCbCr(image.Rect(0, 0, size.X, size.Y), image.YCbCrSubsampleRatio420)
		rng := rand.New(rand.NewSource(int64(size.X)))
		for _, p := range [][]byte{m.Y, m.Cb, m.Cr} {
			for i := range p {
				p[i] = uint8(i*3 + rng.Intn(50))
			}
		}
		inputs = append(inputs, input{fmt.Sprintf("4:2:0 %v", size), m})
		if size.X > 8 && size.Y > 8 {
			inputs = append(inputs, input{fmt.Sprintf("4:2:0 %v at (2,4)", size), m.SubImage(image.Rect(2, 4, size.X, size.Y)).(*image.YCbCr)})
		}
	}
	for _, in := range inputs {
		for _, q := range []int{1, 30, 50, 80, 95, 100} {
			var want bytes.Buffer
			if err := jpeg.Encode(&want, in.m, &jpeg.Options{Quality: q}); err != nil {
				t.Fatal(err)
			}
			got, err := AppendEncode([]byte("prefix"), in.m, q)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got[6:], want.Bytes()) || string(got[:6]) != "prefix" {
				t.Errorf("%s at quality %d: %d bytes, image/jpeg %d, differ", in.name, q, len(got)-6, want.Len())
			}
		}
	}
	if _, err := AppendEncode(nil, image.NewYCbCr(image.Rect(0, 0, 8, 8), image.YCbCrSubsampleRatio422), 80); err == nil {
		t.Error("4:2:2 input: no error")
	}
	odd := image.NewYCbCr(image.Rect(0, 0, 8, 8), image.YCbCrSubsampleRatio420).SubImage(image.Rect(1, 0, 8, 8)).(*image.YCbCr)
	if _, err := AppendEncode(nil, odd, 80); err == nil {
		t.Error("4:2:0 input at an odd column: no error")
	}
}
