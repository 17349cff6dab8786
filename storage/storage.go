// Package storage is the photo store: one small interface with a local-disk
// implementation (the embedded default) and a MinIO/S3 one, chosen by
// configuration.
package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// ErrNotFound is returned for a key that holds no object.
var ErrNotFound = errors.New("storage: object not found")

// ErrUnavailable wraps failures to reach the store.
var ErrUnavailable = errors.New("storage: unavailable")

// ErrInvalidKey is returned for a key that is empty, absolute, or would
// climb out of the store ("..", backslashes, NUL bytes, empty segments).
var ErrInvalidKey = errors.New("storage: invalid key")

// Info describes a stored object.
type Info struct {
	Key         string
	Size        int64
	ContentType string
	Modified    time.Time
}

// Store keeps photo bytes by key.
type Store interface {
	// Put stores r (size bytes, or -1 when unknown) under key.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// Get opens the object at key.
	Get(ctx context.Context, key string) (io.ReadCloser, Info, error)
	// Stat describes the object at key.
	Stat(ctx context.Context, key string) (Info, error)
	// Move renames the object at from to to, replacing any object there;
	// a missing from is ErrNotFound.
	Move(ctx context.Context, from, to string) error
	// Delete removes key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// List calls fn for every object whose key starts with prefix.
	List(ctx context.Context, prefix string, fn func(Info) error) error
	// PresignGet returns a short-lived URL for key, or "" when the store
	// serves no URLs and the bytes must be streamed.
	PresignGet(ctx context.Context, key string, ttl time.Duration) (string, error)
	// Ping checks that the store answers.
	Ping(ctx context.Context) error
}

// CheckKey refuses keys that could name something outside the store: both
// stores accept only relative, slash-separated keys of plain segments.
func CheckKey(key string) error {
	if key == "" || len(key) > 1024 || strings.HasPrefix(key, "/") || strings.ContainsAny(key, "\\\x00") {
		return fmt.Errorf("%w: %q", ErrInvalidKey, key)
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("%w: %q", ErrInvalidKey, key)
		}
	}
	return nil
}
