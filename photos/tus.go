package photos

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/config"
	"github.com/tepai/tepai/storage"
	"github.com/tus/tusd/v2/pkg/filestore"
	"github.com/tus/tusd/v2/pkg/handler"
	"github.com/tus/tusd/v2/pkg/s3store"
)

// UploadsPath is where the tus 1.0 endpoint is mounted.
const UploadsPath = "/api/v1/uploads/"

// metaUser is the Upload-Metadata key, set by the server, naming the user
// who created an upload; only that user may touch it.
const metaUser = "tepai_user"

// tusBackend is where resumable uploads keep their bytes: inside the photo
// store, under uploads/, so that a finished upload is moved (renamed on
// disk, copied inside MinIO) into place rather than sent again.
type tusBackend struct {
	store handler.DataStore
	term  handler.TerminaterDataStore
	// objectID maps an upload id to the name of its objects under uploads/.
	objectID func(id string) string
}

// dataKey is the store key of an upload's bytes.
func (b *tusBackend) dataKey(id string) string { return "uploads/" + b.objectID(id) }

// keys are all the store keys an upload may have.
func (b *tusBackend) keys(id string) []string {
	k := b.dataKey(id)
	return []string{k, k + ".info", k + ".part"}
}

// newTusBackend builds tusd's file store inside a local photo store, or
// its S3 store on the MinIO bucket.
func newTusBackend(store storage.Store, cfg config.Config) (*tusBackend, error) {
	switch st := store.(type) {
	case *storage.Local:
		fs := filestore.New(filepath.Join(st.Root(), "uploads"))
		return &tusBackend{store: fs, term: fs, objectID: func(id string) string { return id }}, nil
	case *storage.MinIO:
		s3s := s3store.New(st.Bucket(), s3Client(cfg.S3))
		s3s.ObjectPrefix = "uploads/"
		s3s.TemporaryDirectory = spoolDir(cfg)
		return &tusBackend{store: s3s, term: s3s, objectID: func(id string) string { return strings.SplitN(id, "+", 2)[0] }}, nil
	}
	return nil, fmt.Errorf("resumable uploads: no tus store for %T", store)
}

func spoolDir(cfg config.Config) string {
	if cfg.DataDir == "" {
		return ""
	}
	return filepath.Join(cfg.DataDir, "spool")
}

// s3Client is the AWS SDK client tusd's S3 store speaks to MinIO through.
func s3Client(c config.S3) *s3.Client {
	scheme := "http://"
	if c.UseSSL {
		scheme = "https://"
	}
	return s3.New(s3.Options{
		Region:                     c.Region,
		BaseEndpoint:               aws.String(scheme + c.Endpoint),
		UsePathStyle:               true,
		Credentials:                credentials.NewStaticCredentialsProvider(c.AccessKey, c.SecretKey, ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
		RetryMaxAttempts:           2,
	})
}

// guardedStore is the tusd store the handler sees: every upload it hands
// out belongs to the caller and is unfinished, and an upload's first bytes
// must be a photo's. It hands the underlying store a context of its own
// (see detach).
type guardedStore struct {
	b     *tusBackend
	locks *dbLocker
}

func (g guardedStore) NewUpload(ctx context.Context, info handler.FileInfo) (handler.Upload, error) {
	ctx, done := detach(ctx)
	defer done()
	u, err := g.b.store.NewUpload(ctx, info)
	if err != nil {
		return nil, storeFailure(ctx, err)
	}
	return &guardedUpload{inner: u, g: g}, nil
}

// GetUpload refuses uploads of other users, and finished ones: a finished
// upload lives on only as a photo, so one still here failed to become one
// and the client must start again.
func (g guardedStore) GetUpload(ctx context.Context, id string) (handler.Upload, error) {
	c := callerFrom(ctx)
	ctx, done := detach(ctx)
	defer done()
	u, err := g.b.store.GetUpload(ctx, id)
	if err != nil {
		return nil, storeFailure(ctx, err)
	}
	info, err := u.GetInfo(ctx)
	if err != nil {
		return nil, storeFailure(ctx, err)
	}
	if c == nil || info.MetaData[metaUser] != c.p.UserID || (!info.SizeIsDeferred && info.Offset == info.Size) {
		return nil, handler.ErrNotFound
	}
	return &guardedUpload{inner: u, g: g, id: id}, nil
}

func (g guardedStore) AsTerminatableUpload(u handler.Upload) handler.TerminatableUpload {
	return terminatable{g.b.term.AsTerminatableUpload(u.(*guardedUpload).inner)}
}

// guardedUpload checks the first bytes written to an upload.
type guardedUpload struct {
	inner handler.Upload
	g     guardedStore
	// id is the upload's id, known from GetUpload or the first GetInfo.
	id string
}

// WriteChunk refuses, with 415 and before storing a byte, an upload whose
// first bytes are not a JPEG, PNG, WebP or HEIC. (A first chunk too short
// to tell is let through; the check of the finished upload catches it.)
func (u *guardedUpload) WriteChunk(ctx context.Context, offset int64, src io.Reader) (int64, error) {
	if u.g.locks != nil && u.id != "" {
		u.g.locks.arm(u.id)
	}
	if offset == 0 {
		head := make([]byte, sniffLen)
		n, _ := io.ReadFull(src, head)
		if n == sniffLen && Sniff(head) == "" {
			return 0, tusError(ctx, errNotPhoto)
		}
		src = io.MultiReader(bytes.NewReader(head[:n]), src)
	}
	ctx, done := detach(ctx)
	defer done()
	n, err := u.inner.WriteChunk(ctx, offset, src)
	return n, storeFailure(ctx, err)
}

func (u *guardedUpload) GetInfo(ctx context.Context) (handler.FileInfo, error) {
	ctx, done := detach(ctx)
	defer done()
	info, err := u.inner.GetInfo(ctx)
	if err == nil && u.id == "" {
		u.id = info.ID
	}
	return info, storeFailure(ctx, err)
}

func (u *guardedUpload) GetReader(ctx context.Context) (io.ReadCloser, error) {
	return nil, handler.ErrNotImplemented // downloads are off
}

func (u *guardedUpload) FinishUpload(ctx context.Context) error {
	ctx, done := detach(ctx)
	defer done()
	return storeFailure(ctx, u.inner.FinishUpload(ctx))
}

type terminatable struct{ inner handler.TerminatableUpload }

func (t terminatable) Terminate(ctx context.Context) error {
	ctx, done := detach(ctx)
	defer done()
	return storeFailure(ctx, t.inner.Terminate(ctx))
}

// storeFailure is err as tusd should answer it: when the photo store could
// not be reached, or answered with a server error, it is a 503 the client
// retries, decided from the error itself (a later ping may find the store
// back already and make an outage look like a 500). Other errors pass as
// they are.
func storeFailure(ctx context.Context, err error) error {
	if err == nil || !storeUnreachable(err) {
		return err
	}
	return tusError(ctx, apierr.Unavailable(err))
}

// storeUnreachable reports whether err says the store did not answer (a
// network error) or failed on its side (a 5xx).
func storeUnreachable(err error) bool {
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	var status interface{ HTTPStatusCode() int }
	if errors.As(err, &status) && status.HTTPStatusCode() >= 500 {
		return true
	}
	return errors.Is(err, storage.ErrUnavailable)
}

// detach returns a context that ends when ctx does and carries its caller,
// but never asks ctx for values: tusd's request context copies itself,
// unguarded, whenever a value is looked up, which races with the request's
// own goroutine when an HTTP client (the S3 store's, MinIO's) cancels a
// context derived from it on another goroutine.
func detach(ctx context.Context) (context.Context, func()) {
	out := context.WithValue(context.Background(), callerKey{}, callerFrom(ctx))
	out, cancel := context.WithCancel(out)
	stop := context.AfterFunc(ctx, cancel)
	return out, func() { stop(); cancel() }
}

// TusHandler returns the tus 1.0 handler of resumable photo uploads, to be
// mounted at UploadsPath behind authentication; requests must carry their
// caller (see ServeTus).
func (s *Service) TusHandler() (http.Handler, error) {
	b := s.tus
	if b == nil {
		return nil, errNoUploadsStore
	}
	composer := handler.NewStoreComposer()
	locks := newDBLocker(s.db)
	g := guardedStore{b: b, locks: locks}
	composer.UseCore(g)
	composer.UseTerminater(g)
	composer.UseLocker(locks)
	h, err := handler.NewHandler(handler.Config{
		StoreComposer:             composer,
		BasePath:                  UploadsPath,
		MaxSize:                   s.cfg.MaxPhotoBytes,
		AcquireLockTimeout:        lockWait,
		DisableDownload:           true,
		Cors:                      &handler.CorsConfig{Disable: true},
		PreUploadCreateCallback:   s.tusCreate,
		PreFinishResponseCallback: s.tusFinish,
		Logger:                    newTusLogger(s.log),
	})
	if err != nil {
		return nil, err
	}
	return http.StripPrefix(strings.TrimSuffix(UploadsPath, "/"), h), nil
}

// errNoUploadsStore is returned when the photo store has no tus store.
var errNoUploadsStore = errors.New("resumable uploads are not available")
