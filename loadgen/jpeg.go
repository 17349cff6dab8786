package loadgen

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand"
	"time"
)

// PhotoPool holds a few generated camera-like JPEGs of about the asked
// size; Photo makes a distinct, valid JPEG from one of them by adding an
// EXIF block (time and GPS) and a comment naming the photo.
type PhotoPool struct {
	bases [][]byte
}

// NewPhotoPool generates n base JPEGs of about kb kilobytes each.
func NewPhotoPool(n, kb int, seed int64) (*PhotoPool, error) {
	p := &PhotoPool{}
	for i := range n {
		b, err := sizedJPEG(kb*1024, seed+int64(i))
		if err != nil {
			return nil, err
		}
		p.bases = append(p.bases, b)
	}
	return p, nil
}

// Photo returns the JPEG for photo id: the base picked by id's hash, with
// an EXIF block saying it was taken at t at lat/lng, and a comment with id
// so that no two photos share their bytes.
func (p *PhotoPool) Photo(id string, t time.Time, lat, lng float64) []byte {
	var h uint32
	for _, c := range []byte(id) {
		h = h*31 + uint32(c)
	}
	base := p.bases[int(h%uint32(len(p.bases)))]
	var out bytes.Buffer
	out.Grow(len(base) + 512)
	out.Write(base[:2]) // SOI
	writeSegment(&out, 0xE1, append([]byte("Exif\x00\x00"), exifTIFF(t, lat, lng)...))
	writeSegment(&out, 0xFE, []byte("tepai-loadgen "+id))
	out.Write(base[2:])
	return out.Bytes()
}

func writeSegment(w *bytes.Buffer, marker byte, payload []byte) {
	w.Write([]byte{0xFF, marker})
	_ = binary.Write(w, binary.BigEndian, uint16(len(payload)+2))
	w.Write(payload)
}

// sizedJPEG encodes a noisy landscape-like picture, resizing it until the
// file is within a few percent of target bytes.
func sizedJPEG(target int, seed int64) ([]byte, error) {
	w, h := 320, 240
	var out []byte
	for range 4 {
		b, err := encodeScene(w, h, seed)
		if err != nil {
			return nil, err
		}
		out = b
		ratio := float64(target) / float64(len(b))
		if math.Abs(ratio-1) < 0.05 {
			break
		}
		scale := math.Sqrt(ratio)
		w, h = max(16, int(float64(w)*scale)), max(12, int(float64(h)*scale))
	}
	return out, nil
}

// encodeScene draws sky, fields and noise (which keeps the JPEG as big as
// a real photo's) and encodes it at quality 85.
func encodeScene(w, h int, seed int64) ([]byte, error) {
	rng := rand.New(rand.NewSource(seed))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			n := uint8(rng.Intn(48))
			var c color.RGBA
			if y < h/3 {
				c = color.RGBA{R: 120 + n, G: 160 + n, B: 200 + n/2, A: 255}
			} else {
				g := uint8(80 + (x*y)%60)
				c = color.RGBA{R: 40 + n, G: g + n, B: 30 + n/2, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		return nil, fmt.Errorf("encode jpeg: %w", err)
	}
	return buf.Bytes(), nil
}
