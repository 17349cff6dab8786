package testenv

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/tepai/tepai/config"
)

// S3Config returns the TEPAI_TEST_S3_* MinIO with a bucket of its own,
// emptied and removed when the test ends.
func S3Config(t testing.TB) config.S3 {
	t.Helper()
	cfg := config.S3{
		Endpoint:  os.Getenv("TEPAI_TEST_S3_ENDPOINT"),
		AccessKey: os.Getenv("TEPAI_TEST_S3_ACCESS_KEY"),
		SecretKey: os.Getenv("TEPAI_TEST_S3_SECRET_KEY"),
		Bucket:    "tepai-test-" + randomSuffix(),
		Region:    "us-east-1",
	}
	t.Cleanup(func() { RemoveBucket(cfg) })
	return cfg
}

// RemoveBucket deletes every object and unfinished upload in cfg's bucket,
// then the bucket; errors are ignored (the MinIO may be gone).
func RemoveBucket(cfg config.S3) {
	c, err := minio.New(cfg.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""), Secure: cfg.UseSSL, Region: cfg.Region, MaxRetries: 1})
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if ok, err := c.BucketExists(ctx, cfg.Bucket); err != nil || !ok {
		return
	}
	objs := c.ListObjects(ctx, cfg.Bucket, minio.ListObjectsOptions{Recursive: true})
	for range c.RemoveObjects(ctx, cfg.Bucket, objs, minio.RemoveObjectsOptions{}) {
	}
	for u := range c.ListIncompleteUploads(ctx, cfg.Bucket, "", true) {
		_ = c.RemoveIncompleteUpload(ctx, cfg.Bucket, u.Key)
	}
	_ = c.RemoveBucket(ctx, cfg.Bucket)
}
