package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/tepai/tepai/config"
)

// MinIO keeps objects in a MinIO (or S3) bucket, created when missing.
type MinIO struct {
	client   *minio.Client
	bucket   string
	spoolDir string
	// ready is set once the bucket is known to exist.
	ready atomic.Bool
}

// singlePutLimit is the largest object sent in one PUT; photos stay far
// below it, so minio-go never buffers multipart parts in memory.
const singlePutLimit = 64 << 20

// NewMinIO connects to the bucket cfg names. Objects of unknown size are
// spooled to a file in spoolDir first, because S3 needs the length before
// the bytes. An unreachable MinIO is not an error here: the store answers
// ErrUnavailable until it comes back.
func NewMinIO(cfg config.S3, spoolDir string) (*MinIO, error) {
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 3 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:      credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:     cfg.UseSSL,
		Region:     cfg.Region,
		Transport:  transport,
		MaxRetries: 2,
		// With trailing headers an upload whose payload is not signed
		// (see Put) carries a CRC32C of its bytes, checked by the server.
		TrailingHeaders: true,
	})
	if err != nil {
		return nil, fmt.Errorf("storage: minio client: %w", err)
	}
	if spoolDir == "" {
		spoolDir = os.TempDir()
	}
	if err := os.MkdirAll(spoolDir, 0o700); err != nil {
		return nil, fmt.Errorf("storage: spool dir: %w", err)
	}
	m := &MinIO{client: client, bucket: cfg.Bucket, spoolDir: spoolDir}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = m.ensureBucket(ctx)
	return m, nil
}

// Client is the underlying minio-go client.
func (m *MinIO) Client() *minio.Client { return m.client }

// Bucket is the bucket the store writes to.
func (m *MinIO) Bucket() string { return m.bucket }

// ensureBucket creates the bucket when it is missing.
func (m *MinIO) ensureBucket(ctx context.Context) error {
	if m.ready.Load() {
		return nil
	}
	ok, err := m.client.BucketExists(ctx, m.bucket)
	if err != nil {
		return m.mapErr(err)
	}
	if !ok {
		err = m.client.MakeBucket(ctx, m.bucket, minio.MakeBucketOptions{})
		if code := minio.ToErrorResponse(err).Code; code == "BucketAlreadyOwnedByYou" || code == "BucketAlreadyExists" {
			err = nil
		}
		if err != nil {
			return m.mapErr(err)
		}
	}
	m.ready.Store(true)
	return nil
}

// mapErr turns minio-go errors into the store's: a missing object is
// ErrNotFound; no answer, or a server-side failure, wraps ErrUnavailable.
func (m *MinIO) mapErr(err error) error {
	if err == nil || errors.Is(err, ErrNotFound) || errors.Is(err, ErrUnavailable) {
		return err
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	resp := minio.ToErrorResponse(err)
	switch {
	case resp.Code == "NoSuchKey":
		return ErrNotFound
	case resp.Code == "NoSuchBucket":
		m.ready.Store(false)
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	case resp.StatusCode == 0 || resp.StatusCode >= 500:
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	return fmt.Errorf("storage: %w", err)
}

// Put uploads r under key. When size is unknown the bytes go to a spool
// file first, so that memory holds a copy buffer, never the object.
func (m *MinIO) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if size < 0 {
		f, n, err := m.spool(r)
		if err != nil {
			return err
		}
		defer os.Remove(f.Name())
		defer f.Close()
		r, size = f, n
	}
	if err := m.ensureBucket(ctx); err != nil {
		return err
	}
	// Over plain HTTP minio-go would sign every 64 KiB chunk of the
	// payload (a SHA-256 of the bytes and an HMAC per chunk), the largest
	// part of the app's CPU for a photo's PUT. The payload goes unsigned
	// instead, with a CRC32C trailer (hardware-computed) that the server
	// checks: the request itself is still signed, and the photo's own
	// SHA-256, taken as it arrived, is its key.
	_, err := m.client.PutObject(ctx, m.bucket, key, r, size, minio.PutObjectOptions{
		ContentType: contentType, PartSize: singlePutLimit, DisableContentSha256: true,
	})
	return m.mapErr(err)
}

// spool copies r into a new spool file and rewinds it.
func (m *MinIO) spool(r io.Reader) (*os.File, int64, error) {
	f, err := os.CreateTemp(m.spoolDir, "put-*")
	if err != nil {
		return nil, 0, fmt.Errorf("storage: spool: %w", err)
	}
	n, err := io.Copy(f, r)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, 0, err
	}
	return f, n, nil
}

// Get opens the object at key.
func (m *MinIO) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	if err := CheckKey(key); err != nil {
		return nil, Info{}, err
	}
	obj, err := m.client.GetObject(ctx, m.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, Info{}, m.mapErr(err)
	}
	st, err := obj.Stat()
	if err != nil {
		obj.Close()
		return nil, Info{}, m.mapErr(err)
	}
	return obj, info(st), nil
}

// Stat describes the object at key.
func (m *MinIO) Stat(ctx context.Context, key string) (Info, error) {
	if err := CheckKey(key); err != nil {
		return Info{}, err
	}
	st, err := m.client.StatObject(ctx, m.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return Info{}, m.mapErr(err)
	}
	return info(st), nil
}

// Move copies the object at from to to inside MinIO and removes from.
func (m *MinIO) Move(ctx context.Context, from, to string) error {
	if err := CheckKey(from); err != nil {
		return err
	}
	if err := CheckKey(to); err != nil {
		return err
	}
	_, err := m.client.CopyObject(ctx,
		minio.CopyDestOptions{Bucket: m.bucket, Object: to},
		minio.CopySrcOptions{Bucket: m.bucket, Object: from})
	if err != nil {
		return m.mapErr(err)
	}
	return m.Delete(ctx, from)
}

// Delete removes the object at key.
func (m *MinIO) Delete(ctx context.Context, key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	return m.mapErr(m.client.RemoveObject(ctx, m.bucket, key, minio.RemoveObjectOptions{}))
}

// List calls fn for every object whose key starts with prefix.
func (m *MinIO) List(ctx context.Context, prefix string, fn func(Info) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for obj := range m.client.ListObjects(ctx, m.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return m.mapErr(obj.Err)
		}
		if err := fn(info(obj)); err != nil {
			return err
		}
	}
	return nil
}

// PresignGet returns a URL that reads key for ttl without credentials.
func (m *MinIO) PresignGet(ctx context.Context, key string, ttl time.Duration) (string, error) {
	if err := CheckKey(key); err != nil {
		return "", err
	}
	u, err := m.client.PresignedGetObject(ctx, m.bucket, key, ttl, nil)
	if err != nil {
		return "", m.mapErr(err)
	}
	return u.String(), nil
}

// Ping checks that MinIO answers and the bucket is there.
func (m *MinIO) Ping(ctx context.Context) error {
	m.ready.Store(false)
	return m.ensureBucket(ctx)
}

func info(o minio.ObjectInfo) Info {
	return Info{Key: o.Key, Size: o.Size, ContentType: o.ContentType, Modified: o.LastModified}
}
