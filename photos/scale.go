package photos

import (
	"image"

	"golang.org/x/image/draw"
)

// scaleDown fits img into a size×size box, keeping its aspect, never
// enlarging it. A JPEG (YCbCr) is reduced in one pass by a box filter read
// straight from its planes (each thumbnail pixel the mean of the picture's
// pixels it covers), into a YCbCr picture at full chroma that the JPEG
// encoder takes as it is: no conversion to RGB and back. Other pictures
// are scaled bilinearly into RGBA. Bilinear scaling straight from YCbCr
// converts the colours sample by sample and costs several times the
// decoding itself.
func scaleDown(img image.Image, size int) image.Image {
	return scaleDownInto(img, size, nil)
}

// scaleDownInto is scaleDown with a JPEG's result in the memory *pix
// holds (grown when too small), reused from one thumbnail to the next.
func scaleDownInto(img image.Image, size int, pix *[]byte) image.Image {
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
		return boxResample(ycc, w, h, pix)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.BiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// boxResample reduces src to w×h (no larger than src) at 4:4:4: each
// pixel of the result is the mean of the block of src it covers, blocks
// splitting src's width and height as evenly as whole pixels allow; luma
// and chroma are each averaged over the block on their own planes. The
// result is in *pix's memory when pix is not nil.
func boxResample(src *image.YCbCr, w, h int, pix *[]byte) *image.YCbCr {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	var dst *image.YCbCr
	if pix == nil {
		dst = image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio444)
	} else {
		// Every pixel is written below: the memory needs no clearing.
		n := w * h
		if cap(*pix) < 3*n {
			*pix = make([]byte, 3*n)
		}
		p := (*pix)[:3*n]
		dst = &image.YCbCr{Y: p[:n:n], Cb: p[n : 2*n : 2*n], Cr: p[2*n : 3*n : 3*n],
			SubsampleRatio: image.YCbCrSubsampleRatio444, YStride: w, CStride: w, Rect: image.Rect(0, 0, w, h)}
	}
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
