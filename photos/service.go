package photos

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/config"
	"github.com/tepai/tepai/internal/bounds"
	"github.com/tepai/tepai/models"
	"github.com/tepai/tepai/storage"
	"gorm.io/gorm"
)

// Service stores photos and attaches them to records. It holds no state
// of its own: every replica may run one.
type Service struct {
	db    *models.DB
	store storage.Store
	cfg   config.Config
	log   *slog.Logger
	tus   *tusBackend
}

// New returns the photo service over db and store.
func New(db *models.DB, store storage.Store, cfg config.Config, log *slog.Logger) *Service {
	s := &Service{db: db, store: store, cfg: cfg, log: log}
	b, err := newTusBackend(store, cfg)
	if err != nil {
		log.Warn("photos: no resumable uploads", "err", err)
	}
	s.tus = b
	return s
}

// Form is what a caller says about a photo: the fields of the multipart
// form, or of a resumable upload's Upload-Metadata.
type Form struct {
	ID, OwnerType, OwnerID string
	TakenAt                *time.Time
	Lat, Lng               *float64
}

// ParseForm reads the form fields through get and checks them; each bad
// field is a 422 detail. An empty id gets a new one.
func ParseForm(get func(name string) string) (Form, error) {
	var f Form
	var bad apierr.Fields
	// Ids are UUIDs in any letter case, kept in lower case.
	f.ID = strings.ToLower(strings.TrimSpace(get("id")))
	if f.ID == "" {
		f.ID = models.NewID()
	} else if _, err := uuid.Parse(f.ID); err != nil || len(f.ID) != 36 {
		bad.Add("id", "须为 UUID", "must be a UUID")
	}
	f.OwnerType, f.OwnerID = get("owner_type"), strings.ToLower(strings.TrimSpace(get("owner_id")))
	if !slices.Contains(models.PhotoOwnerTypes, f.OwnerType) {
		bad.Add("owner_type", "须为 visit、training、plot、plot_observation 或 demand（表单字段须在文件之前）", "must be visit, training, plot, plot_observation or demand (form fields go before the file)")
	}
	if f.OwnerID == "" || len(f.OwnerID) > 36 {
		bad.Add("owner_id", "必填，且须在文件之前", "required, before the file")
	}
	if s := get("taken_at"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil || !bounds.Time(t, time.Now()) {
			bad.Add("taken_at", "须为 2000 年之后、不晚于明天的 RFC 3339 时间", "must be an RFC 3339 time after 2000 and not more than 24 h ahead")
		} else {
			t = t.UTC().Truncate(time.Millisecond)
			f.TakenAt = &t
		}
	}
	f.Lat = parseCoord(get("lat"), bounds.Lat, "lat", &bad)
	f.Lng = parseCoord(get("lng"), bounds.Lng, "lng", &bad)
	if (f.Lat == nil) != (f.Lng == nil) && !bad.Has("lat") && !bad.Has("lng") {
		bad.Add("lat", "lat 与 lng 须同时提供", "lat and lng go together")
	}
	return f, bad.Err()
}

func parseCoord(s string, in func(float64) bool, field string, bad *apierr.Fields) *float64 {
	if s == "" {
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !in(v) {
		bad.Add(field, "须在中国境内的范围内", "must lie inside China's bounding box")
		return nil
	}
	return &v
}

// Create streams the photo in r into the store and attaches it, for p, to
// the record f names. Nothing is stored unless the owner is p's and the
// bytes are a whole photo within the size limit. It reports whether a
// photo was created: the same id with the same bytes and owner again
// answers the stored photo; with others, 409.
//
// A usual photo (up to smallPhoto) is read into memory before anything is
// looked up: the owner and the id are checked once, in the transaction
// that attaches it. A larger one is checked before it is spooled to the
// store. Either way an upload that fails both checks gets the owner's or
// the id's error, not the bytes'.
func (s *Service) Create(ctx context.Context, p *models.Principal, f Form, r io.Reader, requestID string) (*models.Photo, bool, error) {
	select {
	case heldUploads <- struct{}{}:
		defer func() { <-heldUploads }()
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
	in, err := newInspector(r, s.cfg.MaxPhotoBytes)
	if err != nil {
		return nil, false, s.refusal(ctx, p, f, err)
	}
	defer in.release()
	buf := heldBuffers.Get().(*bytes.Buffer)
	kept := false
	defer func() {
		if !kept {
			putHeld(buf)
		}
	}()
	buf.Reset()
	held, rest, err := holdSmall(buf, in)
	if err != nil {
		return nil, false, s.refusal(ctx, p, f, err)
	}
	if rest == nil {
		// Checked whole in memory: the bytes go straight to their content
		// key under the content's lock, one PUT instead of a PUT to a
		// temporary key, a copy and a delete.
		ph, created, err := s.attach(ctx, p, f, in.result, source{body: held, contentType: in.kind}, requestID)
		if err == nil && created && ph.Thumbnail != nil && !*ph.Thumbnail {
			// Its thumbnail is to be made: most likely by this process,
			// which keeps the bytes for it.
			kept = recent.put(ph.SHA256, buf)
		}
		return ph, created, err
	}
	existing, err := s.precheck(ctx, p, f)
	if err != nil {
		return nil, false, err
	}
	if existing != nil {
		if _, err := io.Copy(io.Discard, rest); err != nil {
			return nil, false, err
		}
		return sameOrConflict(existing, f, in.result)
	}
	tmp := "tmp/" + models.NewID()
	if err := s.store.Put(ctx, tmp, rest, -1, in.kind); err != nil {
		return nil, false, err
	}
	return s.attach(ctx, p, f, in.result, source{key: tmp}, requestID)
}

// refusal is the error an upload whose bytes failed with err gets: the
// owner's or the id's, when the form names an owner that is missing or not
// p's or an id used for another one, else err.
func (s *Service) refusal(ctx context.Context, p *models.Principal, f Form, err error) error {
	if _, perr := s.precheck(ctx, p, f); perr != nil && ctx.Err() == nil {
		var apiErr *apierr.Error
		if errors.As(perr, &apiErr) {
			return perr
		}
	}
	return err
}

// heldUploads bounds the uploads whose bytes are being received or held
// in memory (at most smallPhoto each) at once. Photos wait for a turn to
// be attached (photoTurns) with their bytes received; without a bound, a
// herd of phones, each retrying what a dropped answer left unknown, kept
// hundreds of photos waiting in memory (server peak 273 MB, against 174
// MB before the turns). The rest wait unread, their bytes on the phone.
var heldUploads = make(chan struct{}, 32)

// smallPhoto is the largest photo held in memory on its way to the store;
// a phone's usual photo (100–500 KB) then needs no spool file, whose
// creation, writing, reading back and removal cost more than the store's
// PUT of the same bytes.
const smallPhoto = 1 << 20

// heldBuffers are the buffers photos are held in, reused from one upload
// to the next rather than grown anew for each.
var heldBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putHeld gives buf back to heldBuffers, unless it grew past what a held
// photo needs.
func putHeld(buf *bytes.Buffer) {
	if buf.Cap() <= 2*smallPhoto {
		buf.Reset()
		heldBuffers.Put(buf)
	}
}

// holdSmall reads the whole photo from in into buf when it is at most
// smallPhoto bytes and returns its bytes (a view of buf); a larger one is
// returned as rest, a reader of what was read followed by the rest, for
// the store to spool.
func holdSmall(buf *bytes.Buffer, in io.Reader) (held []byte, rest io.Reader, err error) {
	_, err = io.CopyN(buf, in, smallPhoto+1)
	if errors.Is(err, io.EOF) {
		return buf.Bytes(), nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return nil, io.MultiReader(buf, in), nil
}

// CreateFromStored attaches the bytes already stored under key (a
// finished resumable upload) as Create does; they are checked the same way
// and moved, not copied, into place.
func (s *Service) CreateFromStored(ctx context.Context, p *models.Principal, f Form, key, requestID string) (*models.Photo, bool, error) {
	existing, err := s.precheck(ctx, p, f)
	if err != nil {
		return nil, false, err
	}
	rc, _, err := s.store.Get(ctx, key)
	if err != nil {
		return nil, false, err
	}
	ins, err := Inspect(rc, s.cfg.MaxPhotoBytes)
	rc.Close()
	if err != nil {
		return nil, false, err
	}
	if existing != nil {
		return sameOrConflict(existing, f, ins)
	}
	return s.attach(ctx, p, f, ins, source{key: key}, requestID)
}

// precheck refuses, before any byte is read, an owner that is missing or
// not p's, and an id already used for another owner; it returns the photo
// already stored under the id, if any.
func (s *Service) precheck(ctx context.Context, p *models.Principal, f Form) (*models.Photo, error) {
	tx := s.db.WithContext(ctx)
	if _, err := loadOwner(tx, p, f, false); err != nil {
		return nil, err
	}
	ex, err := photoByID(tx, f.ID)
	if err != nil || ex == nil {
		return nil, err
	}
	if ex.DeletedAt.Valid || ex.OwnerType != f.OwnerType || ex.OwnerID != f.OwnerID {
		return nil, errIDTaken
	}
	return ex, nil
}

var errIDTaken = apierr.Conflict("该照片 id 已用于其他内容", "this photo id is already used for other content")

// loadOwner loads (and, with lock, locks) the owner record f names: a
// missing one, or one p may not attach photos to, is 404.
func loadOwner(tx *gorm.DB, p *models.Principal, f Form, lock bool) (*models.PhotoOwner, error) {
	o, err := models.LoadPhotoOwner(tx, f.OwnerType, f.OwnerID, lock)
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && !o.AttachableBy(p)) {
		return nil, apierr.NotFound().WithCause(err)
	}
	return o, err
}

// photoByID returns the photo stored under id, deleted or not, or nil.
func photoByID(tx *gorm.DB, id string) (*models.Photo, error) {
	var ph models.Photo
	err := tx.Unscoped().Where("id = ?", id).Take(&ph).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &ph, nil
}

func sameOrConflict(ex *models.Photo, f Form, ins *Inspection) (*models.Photo, bool, error) {
	if ex.DeletedAt.Valid || ex.OwnerType != f.OwnerType || ex.OwnerID != f.OwnerID || ex.SHA256 != ins.SHA256 {
		return nil, false, errIDTaken
	}
	return ex, false, nil
}
