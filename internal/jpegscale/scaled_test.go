package jpegscale

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand"
	"testing"
)

// testJPEG encodes a w×h picture of smooth gradients and a few hard edges.
func testJPEG(t *testing.T, w, h int, gray bool) []byte {
	t.Helper()
	var img image.Image
	if gray {
		g := image.NewGray(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				g.SetGray(x, y, color.Gray{uint8((x*255/w + y*3) % 256)})
			}
		}
		img = g
	} else {
		m := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				r := uint8(x * 255 / w)
				g := uint8(y * 255 / h)
				b := uint8(128)
				if (x/40+y/40)%2 == 0 {
					b = 230
				}
				m.SetRGBA(x, y, color.RGBA{r, g, b, 255})
			}
		}
		img = m
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// meanLuma averages the luma of img over the block of full-size pixels
// [x0, x0+k) × [y0, y0+k).
func meanGray(img image.Image, x0, y0, k int) float64 {
	var sum float64
	var n int
	b := img.Bounds()
	for y := y0; y < min(y0+k, b.Max.Y); y++ {
		for x := x0; x < min(x0+k, b.Max.X); x++ {
			sum += float64(color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y)
			n++
		}
	}
	return sum / float64(n)
}

// TestDecodeScaledFullSize checks that with no reduction the result is the
// standard library's, pixel for pixel.
func TestDecodeScaledFullSize(t *testing.T) {
	for _, gray := range []bool{false, true} {
		data := testJPEG(t, 101, 67, gray)
		want, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeScaled(bytes.NewReader(data), 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got.Bounds() != want.Bounds() {
			t.Fatalf("bounds %v, want %v", got.Bounds(), want.Bounds())
		}
		for y := range 67 {
			for x := range 101 {
				if got.At(x, y) != want.At(x, y) {
					t.Fatalf("gray %v: pixel %d,%d = %v, want %v", gray, x, y, got.At(x, y), want.At(x, y))
				}
			}
		}
	}
}

// TestDecodeScaledReduces checks the reduction picked for a box and that
// each reduced pixel is close to the mean of the full-size pixels it
// stands for (within a few levels: the reduced inverse DCT samples the
// block's smooth part, a mean averages it).
func TestDecodeScaledReduces(t *testing.T) {
	cases := []struct {
		w, h, box int
		m         int // the reduction M/8
		wantW     int
		wantH     int
	}{
		{852, 639, 320, 3, 320, 240},   // 3/8: 2/8 would be 213 wide, under the box
		{2560, 1920, 320, 1, 320, 240}, // 1/8
		{1600, 1200, 320, 2, 400, 300}, // 2/8: 1/8 would be 200 wide
		{1000, 750, 320, 3, 375, 282},  // 3/8
		{300, 200, 320, 8, 300, 200},   // already inside the box: full size
		{639, 852, 320, 3, 240, 320},   // portrait, 3/8
		{1400, 1050, 320, 2, 350, 263}, // 2/8
	}
	for _, c := range cases {
		data := testJPEG(t, c.w, c.h, false)
		full, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeScaled(bytes.NewReader(data), c.box, c.box)
		if err != nil {
			t.Fatal(err)
		}
		if got.Bounds().Dx() != c.wantW || got.Bounds().Dy() != c.wantH {
			t.Errorf("%d×%d into %d: got %v, want %d×%d", c.w, c.h, c.box, got.Bounds(), c.wantW, c.wantH)
			continue
		}
		// A reduced pixel x stands for the full-size pixels from x·8/M
		// to (x+1)·8/M: compared with the mean of the whole pixels
		// around them.
		k := (8 + c.m - 1) / c.m
		var worst, total float64
		var n int
		for y := 0; y < c.wantH-1; y += 3 {
			for x := 0; x < c.wantW-1; x += 3 {
				fx, fy := x*8/c.m, y*8/c.m
				if fx%40 > 40-k-1 || fy%40 > 40-k-1 {
					continue // a block straddling a hard edge
				}
				d := math.Abs(float64(color.GrayModel.Convert(got.At(x, y)).(color.Gray).Y) - meanGray(full, fx, fy, k))
				worst = max(worst, d)
				total += d
				n++
			}
		}
		if mean := total / float64(n); mean > 2 || worst > 12 {
			t.Errorf("%d×%d at %d/8: mean difference %.2f, worst %.1f levels", c.w, c.h, c.m, mean, worst)
		}
	}
}

// idct3 and idct4, unrolled, give idctFixed's pixels.
func TestUnrolledIDCTs(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	for range 2000 {
		var b block
		for i := range b {
			b[i] = int32(rng.Intn(2048) - 1024)
		}
		for _, n := range []int{3, 4} {
			var got, want [64]byte
			b1, b2 := b, b
			if n == 3 {
				idct3(&b1, got[:], 8)
			} else {
				idct4(&b1, got[:], 8)
			}
			idctFixed(&b2, n, want[:], 8)
			if got != want {
				t.Fatalf("n=%d: %v, want %v", n, got, want)
			}
		}
	}
}
