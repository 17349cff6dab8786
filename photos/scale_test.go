package photos

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math/rand"
	"testing"

	"golang.org/x/image/draw"
)

// ycbcrOf paints a 4:2:0 picture pixel by pixel with paint.
func ycbcrOf(w, h int, paint func(x, y int) color.RGBA) *image.YCbCr {
	return ycbcrSubsampled(w, h, image.YCbCrSubsampleRatio420, paint)
}

// ycbcrSubsampled paints a picture of the given chroma subsampling; a
// chroma sample takes the colour of its block's top-left pixel.
func ycbcrSubsampled(w, h int, ratio image.YCbCrSubsampleRatio, paint func(x, y int) color.RGBA) *image.YCbCr {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), ratio)
	seen := make([]bool, len(img.Cb))
	for y := range h {
		for x := range w {
			c := paint(x, y)
			yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
			img.Y[img.YOffset(x, y)] = yy
			if ci := img.COffset(x, y); !seen[ci] {
				seen[ci] = true
				img.Cb[ci], img.Cr[ci] = cb, cr
			}
		}
	}
	return img
}

// rgbaAt is the colour of img at (x, y) in RGBA.
func rgbaAt(img image.Image, x, y int) color.RGBA {
	return color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
}

// toRGBA converts img to RGBA.
func toRGBA(img image.Image) *image.RGBA {
	out := image.NewRGBA(img.Bounds())
	draw.Draw(out, out.Rect, img, img.Bounds().Min, draw.Src)
	return out
}

func near(a, b uint8, tol int) bool { d := int(a) - int(b); return d <= tol && d >= -tol }

func TestScaleDownKeepsShapeAndColours(t *testing.T) {
	red, blue := color.RGBA{200, 40, 40, 255}, color.RGBA{40, 60, 200, 255}
	halves := func(x, y int) color.RGBA {
		if x < 800 {
			return red
		}
		return blue
	}
	for _, c := range []struct {
		name         string
		src          image.Image
		wantW, wantH int
	}{
		{"camera landscape", ycbcrOf(1600, 1200, halves), 320, 240},
		{"camera portrait", ycbcrOf(1600, 2400, halves), 213, 320},
		{"4:4:4", ycbcrSubsampled(1600, 1200, image.YCbCrSubsampleRatio444, halves), 320, 240},
		{"4:2:2", ycbcrSubsampled(1600, 1200, image.YCbCrSubsampleRatio422, halves), 320, 240},
		{"4:1:1", ycbcrSubsampled(1600, 1200, image.YCbCrSubsampleRatio411, halves), 320, 240},
		{"cropped, odd origin", ycbcrOf(1700, 1300, halves).SubImage(image.Rect(3, 5, 1603, 1205)), 320, 240},
		{"small, under twice the box", ycbcrOf(1600, 1200, halves).SubImage(image.Rect(400, 300, 1200, 900)), 320, 240},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := scaleDown(c.src, 320)
			if got.Bounds().Dx() != c.wantW || got.Bounds().Dy() != c.wantH {
				t.Fatalf("size %v, want %d×%d", got.Bounds().Size(), c.wantW, c.wantH)
			}
			// Well inside each half the colour is the painted one, give or
			// take the rounding of two colour conversions.
			left, right := rgbaAt(got, c.wantW/8, c.wantH/2), rgbaAt(got, c.wantW*7/8, c.wantH/2)
			for _, p := range []struct{ got, want color.RGBA }{{left, red}, {right, blue}} {
				if !near(p.got.R, p.want.R, 3) || !near(p.got.G, p.want.G, 3) || !near(p.got.B, p.want.B, 3) || p.got.A != 255 {
					t.Fatalf("pixel %v, want %v", p.got, p.want)
				}
			}
		})
	}
}

func TestScaleDownNeverEnlarges(t *testing.T) {
	got := scaleDown(ycbcrOf(200, 100, func(int, int) color.RGBA { return color.RGBA{9, 9, 9, 255} }), 320)
	if got.Bounds().Dx() != 200 || got.Bounds().Dy() != 100 {
		t.Fatalf("size %v", got.Bounds().Size())
	}
}

// The one-pass box filter changes the thumbnail little against bilinear
// scaling of the whole picture: on a noisy, detailed scene the mean
// difference per channel stays within a few levels.
func TestBoxResampleMatchesFullBilinear(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	src := ycbcrOf(2000, 1500, func(x, y int) color.RGBA {
		n := uint8(rng.Intn(40))
		return color.RGBA{uint8(x/8) + n, uint8(y/6) + n, uint8((x+y)/14) + n, 255}
	})
	fast := toRGBA(scaleDown(src, 320))
	full := image.NewRGBA(fast.Bounds())
	draw.BiLinear.Scale(full, full.Bounds(), src, src.Bounds(), draw.Src, nil)
	var sum int
	for i := range fast.Pix {
		d := int(fast.Pix[i]) - int(full.Pix[i])
		sum += max(d, -d)
	}
	if mean := float64(sum) / float64(len(fast.Pix)); mean > 3 {
		t.Fatalf("mean difference %.2f levels per channel", mean)
	}
}

// BenchmarkScaleDown scales a 12-megapixel camera picture and a phone
// upload of 800×600 to a thumbnail, with the box filter ("fast") and by
// bilinear scaling straight from YCbCr ("bilinear").
func BenchmarkScaleDown(b *testing.B) {
	for _, size := range []image.Point{{4000, 3000}, {800, 600}} {
		src := ycbcrOf(size.X, size.Y, func(x, y int) color.RGBA { return color.RGBA{uint8(x), uint8(y), uint8(x + y), 255} })
		b.Run(fmt.Sprintf("%dx%d/fast", size.X, size.Y), func(b *testing.B) {
			for b.Loop() {
				scaleDown(src, ThumbnailSize)
			}
		})
		b.Run(fmt.Sprintf("%dx%d/bilinear", size.X, size.Y), func(b *testing.B) {
			dst := image.NewRGBA(image.Rect(0, 0, 320, 240))
			for b.Loop() {
				draw.BiLinear.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
			}
		})
	}
}

// A thumbnail at full chroma turns upright pixel for pixel as its RGBA
// conversion does, for every EXIF orientation; and orientation 6 (the
// phone turned clockwise) moves the top-left pixel to the top-right.
func TestOrientYCbCrAsRGBA(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	src := image.NewYCbCr(image.Rect(0, 0, 7, 4), image.YCbCrSubsampleRatio444)
	for _, p := range [][]byte{src.Y, src.Cb, src.Cr} {
		rng.Read(p)
	}
	for o := 1; o <= 8; o++ {
		got, want := toRGBA(orient(src, o)), orient(toRGBA(src), o).(*image.RGBA)
		if got.Rect != want.Rect || !bytes.Equal(got.Pix, want.Pix) {
			t.Errorf("orientation %d: %v against %v", o, got.Rect, want.Rect)
		}
	}
	// A 4:2:0 picture (a JPEG decoded straight at the thumbnail's size)
	// turns as its RGBA conversion does too.
	src420 := ycbcrOf(7, 5, func(x, y int) color.RGBA { return color.RGBA{uint8(x * 30), uint8(y * 40), uint8(x*y + 9), 255} })
	for o := 1; o <= 8; o++ {
		got, want := toRGBA(orient(src420, o)), orient(toRGBA(src420), o).(*image.RGBA)
		if got.Rect != want.Rect || !bytes.Equal(got.Pix, want.Pix) {
			t.Errorf("4:2:0, orientation %d: %v against %v", o, got.Rect, want.Rect)
		}
	}
	turned := orient(src, 6)
	if turned.Bounds() != image.Rect(0, 0, 4, 7) || rgbaAt(turned, 3, 0) != rgbaAt(src, 0, 0) {
		t.Errorf("orientation 6: %v, top right %v, want %v", turned.Bounds(), rgbaAt(turned, 3, 0), rgbaAt(src, 0, 0))
	}
}

// boxResampleReference is the box filter pixel by pixel, each pixel
// summing its block of every plane directly: what boxResample's separable
// sums must equal.
func boxResampleReference(src *image.YCbCr, w, h int) *image.YCbCr {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	dst := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio444)
	// The size of one chroma sample in pixels, across and down.
	cw, ch := 1, 1
	switch src.SubsampleRatio {
	case image.YCbCrSubsampleRatio422:
		cw = 2
	case image.YCbCrSubsampleRatio420:
		cw, ch = 2, 2
	case image.YCbCrSubsampleRatio440:
		ch = 2
	case image.YCbCrSubsampleRatio411:
		cw = 4
	case image.YCbCrSubsampleRatio410:
		cw, ch = 4, 2
	}
	// Chroma offsets are taken relative to the plane's origin, as
	// image.YCbCr.COffset does.
	cx0, cy0 := b.Min.X/cw, b.Min.Y/ch
	// Each column's block, across: luma from x0 to x1 (offsets in a row of
	// the luma plane), chroma from cxA to cxB.
	type span struct{ x0, x1, cxA, cxB int }
	cols := make([]span, w)
	for ox := range w {
		x0, x1 := b.Min.X+ox*sw/w, b.Min.X+(ox+1)*sw/w
		cols[ox] = span{x0 - src.Rect.Min.X, x1 - src.Rect.Min.X, x0/cw - cx0, max((x1+cw-1)/cw-cx0, x0/cw-cx0+1)}
	}
	for oy := range h {
		y0, y1 := b.Min.Y+oy*sh/h, b.Min.Y+(oy+1)*sh/h
		cyA, cyB := y0/ch-cy0, max((y1+ch-1)/ch-cy0, y0/ch-cy0+1)
		yRow := (y0 - src.Rect.Min.Y) * src.YStride
		dY := dst.Y[oy*dst.YStride : oy*dst.YStride+w]
		dCb := dst.Cb[oy*dst.CStride : oy*dst.CStride+w]
		dCr := dst.Cr[oy*dst.CStride : oy*dst.CStride+w]
		for ox, c := range cols {
			var sy int
			for r := yRow; r < yRow+(y1-y0)*src.YStride; r += src.YStride {
				for _, v := range src.Y[r+c.x0 : r+c.x1] {
					sy += int(v)
				}
			}
			var scb, scr int
			for cy := cyA; cy < cyB; cy++ {
				i := cy * src.CStride
				for cx := i + c.cxA; cx < i+c.cxB; cx++ {
					scb += int(src.Cb[cx])
					scr += int(src.Cr[cx])
				}
			}
			n, cn := (y1-y0)*(c.x1-c.x0), (cyB-cyA)*(c.cxB-c.cxA)
			dY[ox] = uint8((sy + n/2) / n)
			dCb[ox] = uint8((scb + cn/2) / cn)
			dCr[ox] = uint8((scr + cn/2) / cn)
		}
	}
	return dst
}

// The separable box filter gives the pixel-by-pixel one's pixels exactly,
// for every chroma subsampling, odd sizes and origins, and reductions from
// just under 1:1 to many times.
func TestBoxResampleSeparableExact(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	ratios := []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420,
		image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410}
	var pix []byte
	for _, ratio := range ratios {
		for _, c := range []struct{ sw, sh, w, h int }{{426, 320, 320, 240}, {853, 640, 320, 240}, {101, 67, 100, 66}, {500, 375, 7, 5}, {33, 17, 33, 17}} {
			full := image.NewYCbCr(image.Rect(0, 0, c.sw+5, c.sh+3), ratio)
			for _, p := range [][]byte{full.Y, full.Cb, full.Cr} {
				rng.Read(p)
			}
			for _, src := range []*image.YCbCr{full.SubImage(image.Rect(0, 0, c.sw, c.sh)).(*image.YCbCr), full.SubImage(image.Rect(3, 1, c.sw+3, c.sh+1)).(*image.YCbCr)} {
				want := boxResampleReference(src, c.w, c.h)
				for _, p := range []*[]byte{nil, &pix} {
					got := boxResample(src, c.w, c.h, p)
					if got.Rect != want.Rect || !bytes.Equal(got.Y, want.Y) || !bytes.Equal(got.Cb, want.Cb) || !bytes.Equal(got.Cr, want.Cr) {
						t.Fatalf("%v %v → %dx%d: differs from the pixel-by-pixel filter", ratio, src.Rect, c.w, c.h)
					}
				}
			}
		}
	}
}

// recent keeps the newest photos within recentCap bytes, gives each back
// once, and refuses what it holds already or what is too large.
func TestRecentPhotosBounded(t *testing.T) {
	r := recentPhotos{held: map[string]*bytes.Buffer{}}
	photo := func(n int) *bytes.Buffer { return bytes.NewBuffer(make([]byte, n)) }
	const size = 300 << 10
	for i := range 40 {
		if !r.put(fmt.Sprint("sha", i), photo(size)) {
			t.Fatalf("photo %d not kept", i)
		}
		if r.size > recentCap {
			t.Fatalf("%d bytes held, over %d", r.size, recentCap)
		}
	}
	if r.put("sha39", photo(size)) {
		t.Error("the same content kept twice")
	}
	if r.put("huge", photo(recentCap)) {
		t.Error("a photo of recentCap bytes kept")
	}
	if r.take("sha0") != nil {
		t.Error("the oldest photo still held")
	}
	if b := r.take("sha39"); b == nil || b.Len() != size {
		t.Fatal("the newest photo not held")
	}
	if r.take("sha39") != nil {
		t.Error("a photo given back twice")
	}
	if want := (recentCap/size - 1) * size; r.size != want {
		t.Errorf("%d bytes held, want %d", r.size, want)
	}
}
