package photos

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
	"github.com/tepai/tepai/storage"
	"github.com/tus/tusd/v2/pkg/handler"
	"gorm.io/gorm"
)

// caller is who sent a resumable upload request, carried in its context
// into tusd's store and callbacks.
type caller struct {
	p         *models.Principal
	requestID string
	lang      string
	log       *slog.Logger // the request's, with its id
}

type callerKey struct{}

func callerFrom(ctx context.Context) *caller {
	c, _ := ctx.Value(callerKey{}).(*caller)
	return c
}

// ServeTus hands a resumable upload request of the authenticated p to h
// (from TusHandler), and rewrites tusd's plain-text errors into the
// contract's error shape.
func (s *Service) ServeTus(h http.Handler, w http.ResponseWriter, r *http.Request, p *models.Principal, requestID string) {
	lang := "zh"
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(r.Header.Get("Accept-Language"))), "en") {
		lang = "en"
	}
	c := &caller{p: p, requestID: requestID, lang: lang, log: s.log.With("request_id", requestID)}
	ew := &errWriter{ResponseWriter: w, s: s, c: c, head: r.Method == http.MethodHead}
	if id := strings.Trim(strings.TrimPrefix(r.URL.Path, strings.TrimSuffix(UploadsPath, "/")), "/"); id != "" && !uploadIDPattern.MatchString(id) {
		// Not an id the stores make: tusd would take it as a file name
		// (with .. and / in it) or an object key.
		ew.WriteHeader(http.StatusNotFound)
		return
	}
	r = r.WithContext(context.WithValue(r.Context(), callerKey{}, c))
	h.ServeHTTP(ew, r)
}

// uploadIDPattern is the shape of the upload ids tusd's stores make: 32 hex
// digits, and for the S3 store a "+" and the multipart upload id; at most
// 200 characters, the size of upload_locks.id.
var uploadIDPattern = regexp.MustCompile(`^[0-9a-f]{32}(\+[0-9A-Za-z._=-]{1,167})?$`)

// formFields are the photo form's fields, as Upload-Metadata keys.
var formFields = []string{"id", "owner_type", "owner_id", "taken_at", "lat", "lng"}

// tusCreate checks a new upload's metadata and its owner record before
// any byte is sent, and notes its creator in the metadata.
func (s *Service) tusCreate(hook handler.HookEvent) (handler.HTTPResponse, handler.FileInfoChanges, error) {
	ctx, done := detach(hook.Context)
	defer done()
	c := callerFrom(ctx)
	if c == nil {
		return handler.HTTPResponse{}, handler.FileInfoChanges{}, handler.ErrNotFound
	}
	// Only the form's fields are kept: tusd stores the metadata with the
	// upload (as object metadata on S3, which has a small size limit).
	meta := handler.MetaData{}
	for _, k := range formFields {
		if v, ok := hook.Upload.MetaData[k]; ok {
			meta[k] = v
		}
	}
	f, err := ParseForm(func(k string) string { return meta[k] })
	if err == nil {
		_, err = s.precheck(ctx, c.p, f)
	}
	if err != nil {
		return handler.HTTPResponse{}, handler.FileInfoChanges{}, tusError(ctx, err)
	}
	meta["id"], meta[metaUser] = f.ID, c.p.UserID
	return handler.HTTPResponse{}, handler.FileInfoChanges{MetaData: meta}, nil
}

// tusFinish turns a finished upload into its photo before the last PATCH
// is answered, checking the bytes as a single-request upload's; the
// upload's own objects are then removed whatever the outcome.
func (s *Service) tusFinish(hook handler.HookEvent) (handler.HTTPResponse, error) {
	ctx, done := detach(hook.Context)
	defer done()
	c := callerFrom(ctx)
	if c == nil {
		return handler.HTTPResponse{}, handler.ErrNotFound
	}
	defer s.forgetUpload(ctx, hook.Upload.ID)
	meta := hook.Upload.MetaData
	f, err := ParseForm(func(k string) string { return meta[k] })
	var ph *models.Photo
	if err == nil {
		ph, _, err = s.CreateFromStored(ctx, c.p, f, s.tus.dataKey(hook.Upload.ID), c.requestID)
	}
	if err != nil {
		return handler.HTTPResponse{}, tusError(ctx, err)
	}
	return handler.HTTPResponse{Header: handler.HTTPHeader{"Photo-Id": ph.ID, "Photo-Url": "/api/v1/photos/" + ph.ID}}, nil
}

// forgetUpload removes an upload's objects; what stays the sweep removes.
func (s *Service) forgetUpload(ctx context.Context, id string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	for _, key := range s.tus.keys(id) {
		if err := s.store.Delete(ctx, key); err != nil {
			s.log.Warn("photo: remove finished upload", "key", key, "err", err)
		}
	}
}

// tusError turns err into a tusd error whose response is the contract's
// error shape; a server error is logged with its cause, as the server's
// error handler logs its own (tusd answers it without a word).
func tusError(ctx context.Context, err error) error {
	c := callerFrom(ctx)
	lang, rid := "zh", ""
	if c != nil {
		lang, rid = c.lang, c.requestID
	}
	e := asAPIError(err)
	if e.Status >= 500 && c != nil && c.log != nil {
		c.log.Error("request failed", "status", e.Status, "code", e.Code, "err", err, "route", UploadsPath+"*")
	}
	body, _ := json.Marshal(map[string]any{"error": e.Body(lang), "request_id": rid})
	te := handler.NewError(strings.ToUpper("ERR_"+e.Code), e.EN, e.Status)
	te.HTTPResponse.Body = string(body)
	te.HTTPResponse.Header = handler.HTTPHeader{"Content-Type": "application/json; charset=UTF-8"}
	maps.Copy(te.HTTPResponse.Header, e.Headers())
	return te
}

// asAPIError maps err as the server's error handler does.
func asAPIError(err error) *apierr.Error {
	if e, ok := apierr.As(err); ok {
		return e
	}
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound), errors.Is(err, storage.ErrNotFound):
		return apierr.NotFound().WithCause(err)
	case errors.Is(err, storage.ErrUnavailable), models.IsUnavailable(err),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		// The store or the database out of reach, or a request cut
		// short (client gone, server stopping): nothing changed that the
		// client cannot resume, and it may retry.
		return apierr.Unavailable(err)
	}
	return apierr.Internal(err)
}

// errWriter rewrites the plain-text errors tusd writes itself (a wrong
// offset, an unknown upload) into the contract's error shape, keeping
// their status; a 500 while the photo store is down becomes 503.
type errWriter struct {
	http.ResponseWriter
	s       *Service
	c       *caller
	head    bool
	swallow bool
}

// Unwrap lets http.ResponseController reach the connection (tusd sets
// read deadlines through it).
func (w *errWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *errWriter) WriteHeader(code int) {
	h := w.Header()
	if code < 400 || strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	e := w.s.statusError(code)
	h.Del("Content-Length")
	h.Set("Content-Type", "application/json; charset=UTF-8")
	for k, v := range e.Headers() {
		h.Set(k, v)
	}
	w.ResponseWriter.WriteHeader(e.Status)
	w.swallow = true
	if !w.head {
		_ = json.NewEncoder(w.ResponseWriter).Encode(map[string]any{"error": e.Body(w.c.lang), "request_id": w.c.requestID})
	}
}

func (w *errWriter) Write(p []byte) (int, error) {
	if w.swallow {
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

// statusError is the contract's error for a status tusd answered with.
func (s *Service) statusError(code int) *apierr.Error {
	switch code {
	case http.StatusNotFound:
		return apierr.NotFound()
	case http.StatusForbidden:
		return apierr.Forbidden()
	case http.StatusRequestEntityTooLarge:
		return apierr.TooLargeLimit("照片", "photo", s.cfg.MaxPhotoBytes)
	case http.StatusConflict, http.StatusLocked:
		e := apierr.Conflict("上传偏移量不符或上传正被占用，请先用 HEAD 查询", "the offset does not match or the upload is busy; ask with HEAD")
		e.Status = code
		return e
	case http.StatusInternalServerError, http.StatusServiceUnavailable:
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := s.store.Ping(ctx); err != nil || code == http.StatusServiceUnavailable {
			return apierr.Unavailable(err)
		}
		return apierr.Internal(nil)
	}
	e := apierr.BadRequest("上传请求无效（tus 1.0）", "invalid upload request (tus 1.0)")
	e.Status = code
	if code == http.StatusMethodNotAllowed {
		e.Code = "method_not_allowed"
	}
	return e
}

// sweepUploads removes resumable uploads whose .info is older than cutoff
// (created before it and never finished: a finished one is removed when it
// becomes a photo), stray upload objects older than cutoff, and upload
// leases long run out.
func (s *Service) sweepUploads(ctx context.Context, cutoff time.Time) (int, error) {
	if s.tus == nil {
		return 0, nil
	}
	objs := map[string]time.Time{}
	err := s.store.List(ctx, "uploads/", func(i storage.Info) error {
		objs[i.Key] = i.Modified
		return nil
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for key, mod := range objs {
		base := strings.TrimSuffix(strings.TrimSuffix(key, ".info"), ".part")
		info, hasInfo := objs[base+".info"]
		if mod.After(cutoff) || (hasInfo && info.After(cutoff)) {
			continue
		}
		if strings.HasSuffix(key, ".info") {
			s.terminateUpload(ctx, key)
			n++
		}
		if err := s.store.Delete(ctx, key); err != nil {
			return n, err
		}
	}
	err = s.db.Again(ctx, func() error {
		return s.db.WithContext(ctx).Exec("DELETE FROM upload_locks WHERE held_until < ?", cutoff).Error
	})
	return n, err
}

// terminateUpload lets tusd's store end the upload whose .info is at key
// (on MinIO this aborts its multipart upload); its objects are deleted by
// the caller in any case.
func (s *Service) terminateUpload(ctx context.Context, key string) {
	rc, _, err := s.store.Get(ctx, key)
	if err != nil {
		return
	}
	var info struct{ ID string }
	err = json.NewDecoder(rc).Decode(&info)
	rc.Close()
	if err != nil || info.ID == "" {
		return
	}
	if u, err := s.tus.store.GetUpload(ctx, info.ID); err == nil {
		_ = s.tus.term.AsTerminatableUpload(u).Terminate(ctx)
	}
}
