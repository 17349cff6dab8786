package photos

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"io"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/bep/imagemeta"
	"github.com/google/uuid"
	"github.com/tepai/tepai/internal/jpegscale"
	"github.com/tepai/tepai/internal/priority"
	"github.com/tepai/tepai/models"
	"github.com/tepai/tepai/storage"
)

// Thumbnail work: the longest side of a thumbnail, how often an idle
// worker looks for jobs, how long a claim holds, how often a job is tried.
const (
	ThumbnailSize = 320
	thumbPoll     = time.Second
	thumbLease    = 2 * time.Minute
	thumbAttempts = 5
)

// errUndecodable is a photo Go cannot decode (HEIC) or that is broken:
// it gets no thumbnail, and its job is not tried again.
var errUndecodable = errors.New("photo cannot be decoded")

// thumbWorkers is how many thumbnails a replica makes at once: one per
// core, so that a burst of uploads is caught up on every core (a JPEG
// decoded at a reduced DCT scale needs a few megabytes at most, whatever
// its size); photos decoded in full take fullDecodes in turn. Each job
// takes a photo turn (photoTurns), as an upload's attachment does.
func thumbWorkers() int { return priority.Cores }

// fullDecodes lets one photo at a time be decoded at full size (PNG,
// WebP, CMYK JPEG: up to MaxPixels, a few hundred megabytes), so that the
// workers' memory stays bounded.
var fullDecodes = make(chan struct{}, 1)

// RunThumbnails makes the thumbnails of new photos until ctx ends, with
// thumbWorkers workers. Jobs are claimed in the database, so every replica
// may run it.
func (s *Service) RunThumbnails(ctx context.Context) {
	host, _ := os.Hostname()
	var wg sync.WaitGroup
	for range thumbWorkers() {
		worker := host + "-" + uuid.NewString()[:8]
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.thumbnailWorker(ctx, worker)
		}()
	}
	wg.Wait()
}

// thumbnailWorker does jobs while there are some, and looks again every
// thumbPoll when there are none.
func (s *Service) thumbnailWorker(ctx context.Context, worker string) {
	tick := time.NewTicker(thumbPoll)
	defer tick.Stop()
	for {
		for ctx.Err() == nil {
			did, err := s.ThumbnailOnce(ctx, worker)
			if err != nil && ctx.Err() == nil {
				s.log.Warn("thumbnail job", "err", err)
			}
			if !did || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// ThumbnailOnce claims one thumbnail job for worker and does it; it
// reports whether there was one. A job that fails for a passing reason
// (the store is down) is tried again later.
func (s *Service) ThumbnailOnce(ctx context.Context, worker string) (bool, error) {
	// A thumbnail takes a photo turn (takeTurn): photos wait for it, and
	// it gives way to pushes as they do.
	done, err := takeTurn(ctx)
	if err != nil {
		return false, err
	}
	defer done()
	job, err := s.db.ClaimPhotoJob(ctx, worker, thumbLease, thumbAttempts)
	if err != nil || job == nil {
		return false, err
	}
	err = s.makeThumbnail(ctx, job.SHA256)
	if err == nil || errors.Is(err, errUndecodable) || errors.Is(err, storage.ErrNotFound) {
		if err != nil {
			s.log.Info("no thumbnail", "sha256", job.SHA256, "err", err)
		}
		return true, s.db.FinishPhotoJob(ctx, job)
	}
	return true, errors.Join(err, s.db.FailPhotoJob(ctx, job, err, time.Duration(job.Attempts)*30*time.Second))
}

// makeThumbnail decodes the stored photo, scales it to fit ThumbnailSize,
// turns it upright as its EXIF orientation says, and stores it as JPEG.
func (s *Service) makeThumbnail(ctx context.Context, sha string) error {
	var rc io.Reader
	if held := recent.take(sha); held != nil {
		// Stored by this process a moment ago: its bytes are still here.
		defer putHeld(held)
		rc = bytes.NewReader(held.Bytes())
	} else {
		obj, _, err := s.store.Get(ctx, models.PhotoKey(sha))
		if err != nil {
			return err
		}
		defer obj.Close()
		rc = obj
	}
	sc := thumbScratches.Get().(*thumbScratch)
	defer sc.put()
	br := sc.br
	br.Reset(rc)
	head, _ := br.Peek(headCap)
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(head)); err == nil && int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return fmt.Errorf("%w: %d×%d", errUndecodable, cfg.Width, cfg.Height)
	}
	orientation := 1
	if Sniff(head) == TypeJPEG {
		orientation = exifOrientation(head)
	}
	small, err := sc.thumbnailPicture(ctx, s.store, sha, br, Sniff(head) == TypeJPEG)
	if err != nil {
		return err
	}
	thumb := orient(small, orientation)
	out, err := encodeThumbnail(sc.out[:0], thumb)
	if err != nil {
		return err
	}
	sc.out = out
	if err := s.store.Put(ctx, models.ThumbnailKey(sha), bytes.NewReader(out), int64(len(out)), TypeJPEG); err != nil {
		return err
	}
	return s.db.MarkThumbnail(ctx, sha)
}

// thumbQuality is the JPEG quality of thumbnails.
const thumbQuality = 80

// encodeThumbnail appends thumb to dst as a JPEG: what image/jpeg's
// encoder writes, by jpegscale's faster copy of it for the pictures a
// JPEG's thumbnail is (4:4:4 from the box filter, or 4:2:0 as decoded).
func encodeThumbnail(dst []byte, thumb image.Image) ([]byte, error) {
	if m, ok := thumb.(*image.YCbCr); ok && jpegscale.Encodable(m) {
		return jpegscale.AppendEncode(dst, m, thumbQuality)
	}
	buf := bytes.NewBuffer(dst)
	err := jpeg.Encode(buf, thumb, &jpeg.Options{Quality: thumbQuality})
	return buf.Bytes(), err
}

// recent holds the bytes of the photos this process has just stored whose
// thumbnails are still to be made, for its own thumbnail workers to take
// instead of reading them back from the store: most often the worker that
// claims the job is this process's. Bounded: the oldest go when more than
// recentCap bytes are held (another replica may have made their
// thumbnails). Keyed by content hash, so the bytes are the stored ones.
var recent = recentPhotos{held: map[string]*bytes.Buffer{}}

// recentCap is the most bytes recent holds.
const recentCap = 8 << 20

type recentPhotos struct {
	mu    sync.Mutex
	held  map[string]*bytes.Buffer
	order []string // oldest first
	size  int
}

// put keeps buf, the bytes of the content sha, until taken or pushed out;
// it reports whether it kept it (else the caller still owns buf).
func (r *recentPhotos) put(sha string, buf *bytes.Buffer) bool {
	if buf.Len() > recentCap/4 {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.held[sha]; ok {
		return false
	}
	for r.size+buf.Len() > recentCap && len(r.order) > 0 {
		old := r.order[0]
		r.order = r.order[1:]
		if b, ok := r.held[old]; ok {
			delete(r.held, old)
			r.size -= b.Len()
			putHeld(b)
		}
	}
	r.held[sha] = buf
	r.order = append(r.order, sha)
	r.size += buf.Len()
	return true
}

// take returns and forgets the bytes of sha, or nil; the caller gives
// them back with putHeld.
func (r *recentPhotos) take(sha string) *bytes.Buffer {
	r.mu.Lock()
	defer r.mu.Unlock()
	b, ok := r.held[sha]
	if !ok {
		return nil
	}
	delete(r.held, sha)
	r.size -= b.Len()
	if i := slices.Index(r.order, sha); i >= 0 {
		r.order = slices.Delete(r.order, i, i+1)
	}
	return b
}

// thumbScratch is the memory one thumbnail is made in, reused from one
// thumbnail to the next rather than allocated anew for each (which would
// cost the collector about as much as the making): the reader that keeps
// a photo's leading bytes for its headers, the JPEG decoder with its
// pixels, the scaled picture's pixels and the encoded thumbnail.
type thumbScratch struct {
	br    *bufio.Reader
	dec   jpegscale.Decoder
	small []byte
	out   []byte
}

var thumbScratches = sync.Pool{New: func() any { return &thumbScratch{br: bufio.NewReaderSize(nil, headCap)} }}

// put gives sc back for another thumbnail.
func (sc *thumbScratch) put() {
	sc.br.Reset(nil)
	thumbScratches.Put(sc)
}

// thumbnailPicture decodes the photo in r and scales it to fit
// ThumbnailSize: a JPEG decoded at the smallest DCT scale (1/2, 1/4, 1/8)
// that still covers the thumbnail, which skips most of the inverse DCT and
// pixel memory a full decode spends (a 12-megapixel camera JPEG decodes at
// 1/8: 500×375); other types, and the rare JPEG that cannot be decoded
// scaled (CMYK), in full, read again from the store, one at a time.
// The picture is in sc's memory.
func (sc *thumbScratch) thumbnailPicture(ctx context.Context, store storage.Store, sha string, r io.Reader, isJPEG bool) (image.Image, error) {
	if isJPEG {
		img, err := sc.dec.DecodeScaled(r, ThumbnailSize, ThumbnailSize)
		if err == nil {
			return scaleDownInto(img, ThumbnailSize, &sc.small), nil
		}
		if !errors.Is(err, jpegscale.ErrUnsupported) {
			return nil, fmt.Errorf("%w: %v", errUndecodable, err)
		}
		rc, _, err := store.Get(ctx, models.PhotoKey(sha))
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		r = rc
	}
	select {
	case fullDecodes <- struct{}{}:
		defer func() { <-fullDecodes }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	img, _, err := image.Decode(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errUndecodable, err)
	}
	return scaleDown(img, ThumbnailSize), nil
}

// exifOrientation reads the EXIF orientation (1–8) of a JPEG from its
// leading bytes; 1 when there is none.
func exifOrientation(head []byte) int {
	if o := decodeExif(imagemeta.JPEG, head).orientation; o >= 1 && o <= 8 {
		return o
	}
	return 1
}

// orient turns img upright: EXIF orientation o says how the camera held
// it (6: rotate 90° clockwise to show, 8: counter-clockwise, 3: 180°, and
// 2, 4, 5, 7 their mirror images). img is what scaleDown makes: RGBA, or
// YCbCr, turned at full chroma, whose three planes turn alike.
func orient(img image.Image, o int) image.Image {
	if o == 1 {
		return img
	}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	switch m := img.(type) {
	case *image.RGBA:
		dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
		turn(w, h, o, func(x, y, dx, dy int) { dst.SetRGBA(dx, dy, m.RGBAAt(x, y)) })
		return dst
	case *image.YCbCr:
		if m.SubsampleRatio != image.YCbCrSubsampleRatio444 {
			// At full chroma first (a same-size box filter).
			return orient(boxResample(m, w, h, nil), o)
		}
		dst := image.NewYCbCr(image.Rect(0, 0, dw, dh), image.YCbCrSubsampleRatio444)
		turn(w, h, o, func(x, y, dx, dy int) {
			s, d := m.YOffset(x+m.Rect.Min.X, y+m.Rect.Min.Y), dy*dst.YStride+dx
			dst.Y[d], dst.Cb[d], dst.Cr[d] = m.Y[s], m.Cb[s], m.Cr[s]
		})
		return dst
	}
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(rgba, rgba.Rect, img, img.Bounds().Min, draw.Src)
	return orient(rgba, o)
}

// turn calls move for every pixel (x, y) of a w×h picture with where it
// goes, (dx, dy), when the picture is turned upright from orientation o.
func turn(w, h, o int, move func(x, y, dx, dy int)) {
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := x, y
			switch o {
			case 2:
				dx = w - 1 - x
			case 3:
				dx, dy = w-1-x, h-1-y
			case 4:
				dy = h - 1 - y
			case 5:
				dx, dy = y, x
			case 6:
				dx, dy = h-1-y, x
			case 7:
				dx, dy = h-1-y, w-1-x
			case 8:
				dx, dy = y, w-1-x
			}
			move(x, y, dx, dy)
		}
	}
}
