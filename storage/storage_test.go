package storage_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tepai/tepai/config"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/storage"
)

// stores runs fn on a fresh Local store and, when TEPAI_TEST_S3_ENDPOINT is
// set, on a fresh MinIO bucket.
func stores(t *testing.T, fn func(t *testing.T, s storage.Store)) {
	t.Run("local", func(t *testing.T) {
		s, err := storage.NewLocal(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		fn(t, s)
	})
	if os.Getenv("TEPAI_TEST_S3_ENDPOINT") == "" {
		return
	}
	t.Run("minio", func(t *testing.T) {
		cfg := testenv.Config(t, "sqlite")
		cfg.S3 = testenv.S3Config(t)
		s, err := storage.Open(cfg)
		if err != nil {
			t.Fatal(err)
		}
		fn(t, s)
	})
}

func TestStoreRoundTrip(t *testing.T) {
	stores(t, func(t *testing.T, s storage.Store) {
		ctx := context.Background()
		if err := s.Ping(ctx); err != nil {
			t.Fatalf("ping: %v", err)
		}
		body := []byte("hello photo bytes")
		if err := s.Put(ctx, "a/b/one", bytes.NewReader(body), int64(len(body)), "image/jpeg"); err != nil {
			t.Fatalf("put: %v", err)
		}
		// Unknown size goes through the spool on MinIO.
		if err := s.Put(ctx, "a/two", strings.NewReader("second"), -1, "image/png"); err != nil {
			t.Fatalf("put unknown size: %v", err)
		}
		rc, info, err := s.Get(ctx, "a/b/one")
		if err != nil {
			t.Fatalf("get: %v", err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(got, body) || info.Size != int64(len(body)) {
			t.Fatalf("get: %q size %d", got, info.Size)
		}
		if st, err := s.Stat(ctx, "a/two"); err != nil || st.Size != 6 {
			t.Fatalf("stat: %+v %v", st, err)
		}
		if err := s.Move(ctx, "a/two", "c/moved"); err != nil {
			t.Fatalf("move: %v", err)
		}
		if _, err := s.Stat(ctx, "a/two"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("moved source still there: %v", err)
		}
		if err := s.Move(ctx, "a/missing", "c/x"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("move of a missing key: %v", err)
		}
		var keys []string
		err = s.List(ctx, "", func(i storage.Info) error { keys = append(keys, i.Key); return nil })
		sort.Strings(keys)
		if err != nil || strings.Join(keys, ",") != "a/b/one,c/moved" {
			t.Fatalf("list: %v %v", keys, err)
		}
		keys = nil
		_ = s.List(ctx, "c/", func(i storage.Info) error { keys = append(keys, i.Key); return nil })
		if strings.Join(keys, ",") != "c/moved" {
			t.Fatalf("list prefix: %v", keys)
		}
		if err := s.Delete(ctx, "a/b/one"); err != nil {
			t.Fatalf("delete: %v", err)
		}
		if err := s.Delete(ctx, "a/b/one"); err != nil {
			t.Fatalf("delete twice: %v", err)
		}
		if _, _, err := s.Get(ctx, "a/b/one"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("get deleted: %v", err)
		}
	})
}

func TestStoreRefusesTraversal(t *testing.T) {
	stores(t, func(t *testing.T, s storage.Store) {
		ctx := context.Background()
		for _, key := range []string{"", "../x", "a/../../x", "/etc/passwd", "a//b", "a\\b", "./a", "a/..", "a\x00b", "a/"} {
			if err := s.Put(ctx, key, strings.NewReader("x"), 1, ""); !errors.Is(err, storage.ErrInvalidKey) {
				t.Errorf("put %q: %v", key, err)
			}
			if _, _, err := s.Get(ctx, key); !errors.Is(err, storage.ErrInvalidKey) {
				t.Errorf("get %q: %v", key, err)
			}
			if err := s.Delete(ctx, key); !errors.Is(err, storage.ErrInvalidKey) {
				t.Errorf("delete %q: %v", key, err)
			}
			if err := s.Move(ctx, "ok", key); !errors.Is(err, storage.ErrInvalidKey) {
				t.Errorf("move to %q: %v", key, err)
			}
		}
	})
}

func TestStorePresign(t *testing.T) {
	stores(t, func(t *testing.T, s storage.Store) {
		ctx := context.Background()
		if err := s.Put(ctx, "p/x", strings.NewReader("signed"), 6, "image/jpeg"); err != nil {
			t.Fatal(err)
		}
		u, err := s.PresignGet(ctx, "p/x", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if _, local := s.(*storage.Local); local {
			if u != "" {
				t.Fatalf("local store presigned %q", u)
			}
			return
		}
		res, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || string(b) != "signed" {
			t.Fatalf("presigned get: %d %q", res.StatusCode, b)
		}
	})
}

func TestMinIOUnreachable(t *testing.T) {
	s, err := storage.NewMinIO(config.S3{Endpoint: "127.0.0.1:1", AccessKey: "k", SecretKey: "s", Bucket: "bucket", Region: "us-east-1"}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Ping(ctx); !errors.Is(err, storage.ErrUnavailable) {
		t.Fatalf("ping: %v", err)
	}
	if err := s.Put(ctx, "k", strings.NewReader("x"), -1, ""); !errors.Is(err, storage.ErrUnavailable) {
		t.Fatalf("put: %v", err)
	}
	if _, _, err := s.Get(ctx, "k"); !errors.Is(err, storage.ErrUnavailable) {
		t.Fatalf("get: %v", err)
	}
	if err := s.Delete(ctx, "k"); !errors.Is(err, storage.ErrUnavailable) {
		t.Fatalf("delete: %v", err)
	}
}
