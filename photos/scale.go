package photos

import (
	"image"
	"image/color"

	"golang.org/x/image/draw"
)

// scaleDown fits img into a size×size box, keeping its aspect, never
// enlarging it. A JPEG (YCbCr) is reduced in one pass by a box filter read
// straight from its planes (each thumbnail pixel the mean of the picture's
// pixels it covers), converting only the thumbnail's pixels to RGB; other
// pictures are scaled bilinearly. Bilinear scaling straight from YCbCr
// converts the colours sample by sample and costs several times the
// decoding itself.
func scaleDown(img image.Image, size int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > size || h > size {
		if w >= h {
			w, h = size, max(1, h*size/b.Dx())
		} else {
			w, h = max(1, w*size/b.Dy()), size
		}
	}
	if ycc, ok := img.(*image.YCbCr); ok {
		return boxResample(ycc, w, h)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.BiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// boxResample reduces src to w×h (no larger than src): each pixel of the
// result is the mean of the block of src it covers, blocks splitting src's
// width and height as evenly as whole pixels allow. Luma and chroma are
// each averaged over the block on their own planes before the conversion
// to RGB, which is linear but for rounding.
func boxResample(src *image.YCbCr, w, h int) *image.RGBA {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
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
	for oy := range h {
		y0, y1 := b.Min.Y+oy*sh/h, b.Min.Y+(oy+1)*sh/h
		cyA, cyB := y0/ch-cy0, max((y1+ch-1)/ch-cy0, y0/ch-cy0+1)
		row := dst.Pix[oy*dst.Stride:]
		for ox := range w {
			x0, x1 := b.Min.X+ox*sw/w, b.Min.X+(ox+1)*sw/w
			var sy int
			for y := y0; y < y1; y++ {
				i := src.YOffset(x0, y)
				for _, v := range src.Y[i : i+x1-x0] {
					sy += int(v)
				}
			}
			cxA, cxB := x0/cw-cx0, max((x1+cw-1)/cw-cx0, x0/cw-cx0+1)
			var scb, scr int
			for cy := cyA; cy < cyB; cy++ {
				i := cy * src.CStride
				for cx := cxA; cx < cxB; cx++ {
					scb += int(src.Cb[i+cx])
					scr += int(src.Cr[i+cx])
				}
			}
			n, cn := (y1-y0)*(x1-x0), (cyB-cyA)*(cxB-cxA)
			r, g, bl := color.YCbCrToRGB(uint8((sy+n/2)/n), uint8((scb+cn/2)/cn), uint8((scr+cn/2)/cn))
			px := row[ox*4 : ox*4+4 : ox*4+4]
			px[0], px[1], px[2], px[3] = r, g, bl, 0xff
		}
	}
	return dst
}
