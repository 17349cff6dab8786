package e2e

import (
	"testing"
	"time"

	"github.com/tepai/tepai/config"
	"github.com/tepai/tepai/models"
)

// thumbnailPrefix is where the thumbnail job stores its results:
// thumbs/sha256/<content hash>.jpg.
const thumbnailPrefix = "thumbs/sha256/"

// checkThumbnailsOnce waits until the photo jobs are all done and checks
// that each stored content got its thumbnail written exactly once, though
// two replicas ran the job.
func checkThumbnailsOnce(t *testing.T, cfg config.Config, s3 *s3Counter) {
	t.Helper()
	db, err := models.Open(cfg.MySQLDSN, cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(40 * time.Second)
	var pending int64
	for {
		if err := db.Raw("SELECT COUNT(*) FROM photo_jobs").Scan(&pending).Error; err != nil {
			t.Fatalf("count photo jobs: %v", err)
		}
		if pending == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if pending > 0 {
		t.Fatalf("%d photo jobs still pending after 40 s", pending)
	}
	var shas []string
	if err := db.Raw("SELECT sha256 FROM photo_blobs").Scan(&shas).Error; err != nil {
		t.Fatalf("list photo contents: %v", err)
	}
	puts := s3.Puts()
	for _, sha := range shas {
		if n := puts[thumbnailPrefix+sha+".jpg"]; n != 1 {
			t.Errorf("thumbnail of %s written %d times, want once", sha, n)
		}
	}
	if len(puts) != len(shas) {
		t.Errorf("%d thumbnails written for %d stored contents", len(puts), len(shas))
	}
	t.Logf("%d contents, each thumbnail written once by one of the two replicas", len(shas))
}
