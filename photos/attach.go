package photos

import (
	"bytes"
	"context"
	"errors"
	"io"
	"time"

	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/internal/priority"
	"github.com/tepai/tepai/models"
	"github.com/tepai/tepai/storage"
	"gorm.io/gorm"
)

// source is where a photo's checked bytes are: stored under a temporary
// key, or held in memory.
type source struct {
	key         string
	body        []byte
	contentType string
}

// photoTurns bounds the photo work that runs at once to two per core:
// attaching a photo (its transaction, which holds a database connection
// through its PUT to the store) and making a thumbnail take turns. At a
// herd start (200 phones coming into signal within 10 s, with 9,000
// records and 2,600 photos between them) the photos' transactions took
// most of the pool's connections, and photos and thumbnails most of the
// cores, and the sync pushes the phones wait on queued behind them: 76–111
// requests waited for a connection on average in the first 40 s, and push
// p99 was 3.7 s. With two turns per core it is 0.77 s. One per core gave
// 0.54–0.70 s, but 20% fewer visits with a photo per second from 32
// clients, where two per core keep within 10% of no bound: attaching is
// mostly waiting on the database and the store. So photo work takes two
// turns per core when no sync push is in flight, and one per core
// (busyTurns) while one is (priority.Busy): pushes get the cores first,
// and photos alone keep their rate. A photo waits here with its checked
// bytes already received (held in memory, at most smallPhoto, or
// spooled), so a phone on a slow link never holds a turn.
var (
	photoTurns = make(chan struct{}, 2*priority.Cores)
	busyTurns  = make(chan struct{}, priority.Cores)
)

// takeTurn waits for a photo turn, and while a sync push is in flight for
// a busy turn too; it returns the function that gives them back.
func takeTurn(ctx context.Context) (func(), error) {
	select {
	case photoTurns <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if !priority.Busy() {
		return func() { <-photoTurns }, nil
	}
	select {
	case busyTurns <- struct{}{}:
		return func() { <-busyTurns; <-photoTurns }, nil
	case <-ctx.Done():
		<-photoTurns
		return nil, ctx.Err()
	}
}

// attach puts the checked bytes of src at their content key and writes
// the photo record, in one transaction that holds the owner's row and the
// content's blob row: a concurrent delete or sweep of the same bytes waits
// for it, so the record never points at bytes that are gone. A temporary
// object src names is removed whatever happens.
func (s *Service) attach(ctx context.Context, p *models.Principal, f Form, ins *Inspection, src source, requestID string) (*models.Photo, bool, error) {
	done, err := takeTurn(ctx)
	if err != nil {
		if src.key != "" {
			s.discard(context.WithoutCancel(ctx), src.key)
		}
		return nil, false, err
	}
	defer done()
	var out *models.Photo
	var created bool
	err = s.db.PhotoTx(ctx, func(tx *gorm.DB) error {
		out, created = nil, false
		owner, err := loadOwner(tx, p, f, true)
		if err != nil {
			return err
		}
		ex, err := photoByID(tx, f.ID)
		if err != nil {
			return err
		}
		if ex != nil {
			out, _, err = sameOrConflict(ex, f, ins)
			return err
		}
		ph := newPhoto(p, f, owner, ins)
		if err := s.insert(ctx, tx, ph, owner, src, p, requestID); err != nil {
			return err
		}
		out, created = ph, true
		return nil
	})
	if models.IsDuplicate(err) {
		// Another request stored the id between this transaction's read
		// and its insert: on a Galera cluster, through another node, whose
		// lock on the owner this one did not wait for (a phone that sent
		// the same photo to two replicas). The same photo is answered as
		// stored, as a read of it would have been; another is a conflict.
		out, err = nil, errIDTaken
		if ex, lerr := photoByID(s.db.WithContext(ctx), f.ID); lerr == nil && ex != nil {
			out, _, err = sameOrConflict(ex, f, ins)
		}
	}
	if (err != nil || !created) && src.key != "" {
		s.discard(ctx, src.key)
	}
	return out, created, err
}

// insert locks the content, puts the bytes into place, writes the photo
// with its change record, queues its thumbnail and refreshes the flags of
// the visits that hold the same bytes (when the content is new, only its
// own visit's, and only when its time says so).
func (s *Service) insert(ctx context.Context, tx *gorm.DB, ph *models.Photo, owner *models.PhotoOwner, src source, p *models.Principal, requestID string) error {
	blob, fresh, err := models.ClaimBlob(tx, models.PhotoBlob{SHA256: ph.SHA256, Size: ph.Size, ContentType: ph.ContentType})
	if err != nil {
		return err
	}
	// The answer shows whether the thumbnail is there: as the locked row
	// says, so that it needs no query of its own.
	ph.Thumbnail = &blob.HasThumbnail
	dst := models.PhotoKey(ph.SHA256)
	if src.key != "" {
		err = s.moveInto(ctx, src.key, dst)
	} else {
		// The key is the bytes' hash: writing it again when it is there
		// already (the same content stored before, or a retried
		// transaction) replaces it with the same bytes.
		err = s.store.Put(ctx, dst, bytes.NewReader(src.body), int64(len(src.body)), src.contentType)
	}
	if err != nil {
		return err
	}
	if err := tx.Create(ph).Error; err != nil {
		return err
	}
	err = models.RecordChange(tx, models.Change{Type: "photo", ID: ph.ID, Action: models.ActionCreate, Actor: p,
		RequestID: requestID, CommissionerID: ph.CommissionerID, RegionCode: ph.RegionCode, After: ph})
	if err != nil {
		return err
	}
	if !blob.HasThumbnail {
		if err := models.EnqueuePhotoJob(tx, models.JobThumbnail, ph.SHA256); err != nil {
			return err
		}
	}
	if fresh {
		return models.RefreshNewContentFlags(tx, ph, owner)
	}
	return models.RefreshContentFlags(tx, ph.SHA256, visitOf(ph))
}

// visitOf is the id of the visit a photo is attached to, or "".
func visitOf(ph *models.Photo) string {
	if ph.OwnerType == "visit" {
		return ph.OwnerID
	}
	return ""
}

// newPhoto builds the record: EXIF's time and place win over the phone's.
func newPhoto(p *models.Principal, f Form, o *models.PhotoOwner, ins *Inspection) *models.Photo {
	now := models.Now()
	ph := &models.Photo{ID: f.ID, CommissionerID: o.CommissionerID, UploadedBy: p.UserID, OwnerType: f.OwnerType,
		OwnerID: f.OwnerID, RegionCode: o.RegionCode, SHA256: ins.SHA256, Size: ins.Size, ContentType: ins.ContentType,
		Width: ins.Width, Height: ins.Height, TakenAt: f.TakenAt, Lat: f.Lat, Lng: f.Lng,
		ExifTakenAt: ins.TakenAt, ExifLat: ins.Lat, ExifLng: ins.Lng, Version: 1, CreatedAt: now, UpdatedAt: now}
	if ph.CommissionerID == "" {
		ph.CommissionerID = p.CommissionerID
	}
	if ins.TakenAt != nil {
		ph.TakenAt = ins.TakenAt
	}
	if ins.Lat != nil && ins.Lng != nil {
		ph.Lat, ph.Lng = ins.Lat, ins.Lng
	}
	return ph
}

// moveInto puts the bytes at src in place at dst: when dst holds them
// already (the same content stored before, or a retried transaction that
// moved them) src is just removed, else it is moved. The caller holds the
// content's lock, so dst cannot vanish meanwhile.
func (s *Service) moveInto(ctx context.Context, src, dst string) error {
	if _, err := s.store.Stat(ctx, dst); err == nil {
		return s.store.Delete(ctx, src)
	} else if !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	return s.store.Move(ctx, src, dst)
}

// discard removes a temporary object, even when the request is gone; what
// it cannot remove the sweep will.
func (s *Service) discard(ctx context.Context, key string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := s.store.Delete(ctx, key); err != nil {
		s.log.Warn("photo: remove temporary object", "key", key, "err", err)
	}
}

// Delete soft-deletes a photo for p and removes its bytes and thumbnail
// when no other live photo holds them. When the store cannot be reached
// the photo is still deleted; the sweep removes the bytes later.
func (s *Service) Delete(ctx context.Context, p *models.Principal, id, requestID string) error {
	var ph *models.Photo
	err := s.db.PhotoTx(ctx, func(tx *gorm.DB) error {
		var err error
		if ph, err = models.DeletePhoto(tx, p, id, requestID); err != nil {
			return err
		}
		return models.RefreshContentFlags(tx, ph.SHA256, visitOf(ph))
	})
	if err != nil {
		return err
	}
	if err := s.release(ctx, ph.SHA256); err != nil {
		s.log.Warn("photo: remove bytes of deleted photo", "sha256", ph.SHA256, "err", err)
	}
	return nil
}

// release removes the bytes and thumbnail of sha, and its blob row and
// pending jobs, when no live photo holds them; under the blob lock, so an
// upload of the same bytes either finishes first (and keeps them) or
// starts after (and stores them again).
func (s *Service) release(ctx context.Context, sha string) error {
	return s.db.PhotoTx(ctx, func(tx *gorm.DB) error {
		if _, err := models.LockBlob(tx, models.PhotoBlob{SHA256: sha}); err != nil {
			return err
		}
		n, err := models.LivePhotos(tx, sha)
		if err != nil || n > 0 {
			return err
		}
		for _, key := range []string{models.PhotoKey(sha), models.ThumbnailKey(sha)} {
			if err := s.store.Delete(ctx, key); err != nil {
				return err
			}
		}
		return models.ForgetBlob(tx, sha)
	})
}

// Content is where a client gets bytes: a short-lived URL to redirect to
// (MinIO), or the bytes themselves (local disk).
type Content struct {
	URL  string
	Body io.ReadCloser
	Info storage.Info
}

// presignTTL is how long a content URL works.
const presignTTL = 10 * time.Minute

// Open returns the bytes of photo id (with thumb, of its thumbnail) once it
// has checked that p may see the photo; a thumbnail not made yet is 404.
func (s *Service) Open(ctx context.Context, p *models.Principal, id string, thumb bool) (*models.Photo, *Content, error) {
	ph, err := s.db.GetPhoto(ctx, p, id)
	if err != nil {
		return nil, nil, err
	}
	key := models.PhotoKey(ph.SHA256)
	if thumb {
		has, err := s.db.PhotosWithThumbnail(ctx, []string{ph.SHA256})
		if err != nil {
			return nil, nil, err
		}
		if !has[ph.SHA256] {
			return nil, nil, apierr.NotFound()
		}
		key = models.ThumbnailKey(ph.SHA256)
	}
	c, err := s.content(ctx, key)
	if errors.Is(err, storage.ErrNotFound) {
		err = apierr.NotFound().WithCause(err)
	}
	return ph, c, err
}

func (s *Service) content(ctx context.Context, key string) (*Content, error) {
	url := ""
	if s.cfg.PhotoDelivery != "proxy" {
		var err error
		if url, err = s.store.PresignGet(ctx, key, presignTTL); err != nil {
			return nil, err
		}
	}
	if url != "" {
		// Presigning asks nothing of the store: make sure it is up and
		// holds the object before sending the client there.
		info, err := s.store.Stat(ctx, key)
		return &Content{URL: url, Info: info}, err
	}
	rc, info, err := s.store.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	return &Content{Body: rc, Info: info}, nil
}
