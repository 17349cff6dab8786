package photos

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash"
	"image"
	_ "image/png" // PNG headers for image.DecodeConfig
	"io"
	"sync"
	"time"

	"github.com/tepai/tepai/apierr"
	_ "golang.org/x/image/webp" // WebP headers for image.DecodeConfig
)

// MaxPixels is the most pixels a photo may have: decoding one for its
// thumbnail takes a few bytes per pixel, so a file whose header declares
// more (a decompression bomb) is refused before anything decodes it.
const MaxPixels = 100_000_000

// headCap is how many leading bytes are kept for EXIF and image headers.
const headCap = 256 << 10

// Inspection is what streaming a photo's bytes found out about them.
type Inspection struct {
	SHA256        string
	Size          int64
	ContentType   string
	Width, Height int
	TakenAt       *time.Time
	Lat, Lng      *float64
}

var (
	errNotPhoto = apierr.UnsupportedMedia("只接受 JPEG、PNG、WebP 或 HEIC 图片", "only JPEG, PNG, WebP or HEIC images are accepted")
	errEmpty    = apierr.Invalid("file", "文件为空", "the file is empty")
	errBroken   = apierr.Invalid("file", "图片不完整或已损坏", "the image is truncated or corrupt")
	errHuge     = apierr.Invalid("file", "图片像素过多", "the image has too many pixels")
)

// inspector is a reader that hands the photo's bytes through while it
// hashes them, counts them against the size limit, keeps the leading
// headCap bytes and follows the file's structure. At the end of the bytes
// it checks the whole (complete, of a sane size) and reads EXIF; a failed
// check is returned instead of io.EOF, so whatever the bytes were being
// copied into is abandoned.
type inspector struct {
	src    io.Reader
	limit  int64
	kind   string
	hash   hash.Hash
	n      int64
	head   []byte
	tail   []byte
	jpeg   *jpegWalker
	boxes  *boxWalker
	result *Inspection
	// headBuf holds head's memory, from heads until release.
	headBuf *[]byte
}

// heads are the buffers inspectors keep a photo's leading bytes in, of
// headCap bytes, reused from one photo to the next rather than grown anew
// for each.
var heads = sync.Pool{New: func() any { b := make([]byte, 0, headCap); return &b }}

// release gives the inspector's head buffer back for another photo; the
// inspector is not used after.
func (in *inspector) release() {
	if in.headBuf != nil {
		heads.Put(in.headBuf)
		in.headBuf, in.head = nil, nil
	}
}

// newInspector reads the first bytes of src to tell the photo's type, and
// fails with 415 when it is not a photo, before anything is stored.
func newInspector(src io.Reader, limit int64) (*inspector, error) {
	first := make([]byte, sniffLen)
	n, err := io.ReadFull(src, first)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if n == 0 {
		return nil, errEmpty
	}
	kind := Sniff(first[:n])
	if kind == "" {
		return nil, errNotPhoto
	}
	in := &inspector{src: io.MultiReader(bytes.NewReader(first[:n]), src), limit: limit, kind: kind, hash: sha256.New()}
	in.headBuf = heads.Get().(*[]byte)
	in.head = (*in.headBuf)[:0]
	switch kind {
	case TypeJPEG:
		in.jpeg = &jpegWalker{}
	case TypeHEIC:
		in.boxes = &boxWalker{}
	}
	return in, nil
}

// Read passes the bytes through, inspecting them.
func (in *inspector) Read(p []byte) (int, error) {
	n, err := in.src.Read(p)
	if n > 0 {
		if in.n+int64(n) > in.limit {
			return 0, apierr.TooLargeLimit("照片", "photo", in.limit)
		}
		in.feed(p[:n])
	}
	if err == io.EOF {
		if ferr := in.finish(); ferr != nil {
			return n, ferr
		}
	}
	return n, err
}

func (in *inspector) feed(p []byte) {
	in.n += int64(len(p))
	in.hash.Write(p)
	if room := headCap - len(in.head); room > 0 {
		in.head = append(in.head, p[:min(room, len(p))]...)
	}
	in.tail = append(in.tail, p[max(0, len(p)-12):]...)
	if len(in.tail) > 12 {
		in.tail = in.tail[len(in.tail)-12:]
	}
	if in.jpeg != nil {
		in.jpeg.Write(p)
	}
	if in.boxes != nil {
		in.boxes.Write(p)
	}
}

// finish checks the whole file once its last byte has gone by.
func (in *inspector) finish() error {
	if in.result != nil {
		return nil
	}
	w, h, err := in.dimensions()
	if err != nil {
		return err
	}
	if w <= 0 || h <= 0 {
		return errBroken
	}
	if w > MaxPixels || h > MaxPixels || int64(w)*int64(h) > MaxPixels {
		return errHuge
	}
	res := &Inspection{SHA256: hex.EncodeToString(in.hash.Sum(nil)), Size: in.n, ContentType: in.kind, Width: w, Height: h}
	res.TakenAt, res.Lat, res.Lng = readExif(in.kind, in.head, time.Now())
	in.result = res
	return nil
}

// dimensions checks that the file is whole and returns its pixel size.
func (in *inspector) dimensions() (w, h int, err error) {
	switch in.kind {
	case TypeJPEG:
		if !in.jpeg.done || in.jpeg.width == 0 || in.jpeg.height == 0 {
			return 0, 0, errBroken
		}
		return in.jpeg.width, in.jpeg.height, nil
	case TypeHEIC:
		if !in.boxes.complete() {
			return 0, 0, errBroken
		}
		w, h := heicSize(in.head)
		return w, h, nil
	case TypePNG:
		if !bytes.Equal(in.tail, []byte("\x00\x00\x00\x00IEND\xaeB`\x82")) {
			return 0, 0, errBroken
		}
	case TypeWebP:
		if len(in.head) < 8 || int64(binary.LittleEndian.Uint32(in.head[4:8]))+8 != in.n {
			return 0, 0, errBroken
		}
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(in.head))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return 0, 0, errBroken
	}
	return cfg.Width, cfg.Height, nil
}

// Inspect reads all of r and returns what it found, or why r is no photo.
func Inspect(r io.Reader, limit int64) (*Inspection, error) {
	in, err := newInspector(r, limit)
	if err != nil {
		return nil, err
	}
	defer in.release()
	if _, err := io.Copy(io.Discard, in); err != nil {
		return nil, err
	}
	return in.result, nil
}
