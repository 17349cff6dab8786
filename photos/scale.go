package photos

import (
	"image"

	"github.com/tepai/tepai/internal/jpegscale"

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
		if w == b.Dx() && h == b.Dy() && jpegscale.Encodable(ycc) {
			// Already the thumbnail's size (a JPEG decoded at the right
			// reduction), in a form the encoder takes.
			return ycc
		}
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
	// Separably: for each row of the result, the columns of the source
	// rows it covers are summed first, then each pixel sums its columns'
	// sums (the same sums as pixel by pixel, at a fraction of the loops).
	lx0, lx1 := cols[0].x0, cols[w-1].x1
	cA0, cB1 := cols[0].cxA, cols[w-1].cxB
	// The means divide by the number of samples summed, one of a few
	// small counts: by multiplying with ⌈2⁴⁰/n⌉, exact for sums this small.
	maxCols, maxRows := 0, 0
	for _, c := range cols {
		maxCols = max(maxCols, c.x1-c.x0, c.cxB-c.cxA)
	}
	for oy := range h {
		y0, y1 := b.Min.Y+oy*sh/h, b.Min.Y+(oy+1)*sh/h
		maxRows = max(maxRows, y1-y0, max((y1+ch-1)/ch-cy0, y0/ch-cy0+1)-(y0/ch-cy0))
	}
	recip := make([]uint64, maxCols*maxRows+1)
	for n := 1; n < len(recip); n++ {
		recip[n] = (1<<40 + uint64(n) - 1) / uint64(n)
	}
	mean := func(sum, n uint32) uint8 { return uint8(uint64(sum+n/2) * recip[n] >> 40) }
	colY := make([]uint32, lx1-lx0)
	colCb := make([]uint32, cB1-cA0)
	colCr := make([]uint32, cB1-cA0)
	for oy := range h {
		y0, y1 := b.Min.Y+oy*sh/h, b.Min.Y+(oy+1)*sh/h
		cyA, cyB := y0/ch-cy0, max((y1+ch-1)/ch-cy0, y0/ch-cy0+1)
		clear(colY)
		for r := (y0 - src.Rect.Min.Y) * src.YStride; r < (y1-src.Rect.Min.Y)*src.YStride; r += src.YStride {
			for i, v := range src.Y[r+lx0 : r+lx1] {
				colY[i] += uint32(v)
			}
		}
		clear(colCb)
		clear(colCr)
		for cy := cyA; cy < cyB; cy++ {
			i := cy*src.CStride + cA0
			cb, cr := src.Cb[i:i+len(colCb)], src.Cr[i:i+len(colCr)]
			for k := range colCb {
				colCb[k] += uint32(cb[k])
				colCr[k] += uint32(cr[k])
			}
		}
		dY := dst.Y[oy*dst.YStride : oy*dst.YStride+w]
		dCb := dst.Cb[oy*dst.CStride : oy*dst.CStride+w]
		dCr := dst.Cr[oy*dst.CStride : oy*dst.CStride+w]
		rows := uint32(y1 - y0)
		crows := uint32(cyB - cyA)
		for ox, c := range cols {
			var sy, scb, scr uint32
			for _, v := range colY[c.x0-lx0 : c.x1-lx0] {
				sy += v
			}
			for k := c.cxA - cA0; k < c.cxB-cA0; k++ {
				scb += colCb[k]
				scr += colCr[k]
			}
			n, cn := rows*uint32(c.x1-c.x0), crows*uint32(c.cxB-c.cxA)
			dY[ox] = mean(sy, n)
			dCb[ox] = mean(scb, cn)
			dCr[ox] = mean(scr, cn)
		}
	}
	return dst
}
