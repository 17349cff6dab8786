package photos

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/tepai/tepai/models"
	"github.com/tepai/tepai/storage"
)

// sweepEvery is how often RunSweeps looks for orphans.
const sweepEvery = 30 * time.Minute

// SweepResult counts what a sweep removed.
type SweepResult struct {
	// Temporary objects of single-request uploads cut short.
	Temporary int
	// Contents (with their thumbnails) no live photo holds.
	Contents int
	// Resumable uploads not finished in time.
	Uploads int
}

// RunSweeps sweeps now and then until ctx ends. Every step is checked
// under the content's lock, so replicas may sweep at the same time.
func (s *Service) RunSweeps(ctx context.Context) {
	tick := time.NewTicker(sweepEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		res, err := s.Sweep(ctx, time.Now())
		if err != nil && ctx.Err() == nil {
			s.log.Warn("photo sweep", "err", err)
		}
		s.log.Info("photo sweep", "temporary", res.Temporary, "contents", res.Contents, "uploads", res.Uploads)
	}
}

// Sweep removes what the store holds that no photo needs and that is
// older than the grace period at now: temporary objects, contents and
// thumbnails no live photo holds (a crash between storing the bytes and
// writing the record leaves those, and deleting a record deletes its
// photos but leaves their bytes to this sweep), and resumable uploads left unfinished
// longer than the upload expiry.
func (s *Service) Sweep(ctx context.Context, now time.Time) (SweepResult, error) {
	var res SweepResult
	cutoff := now.Add(-s.cfg.OrphanGrace)
	err := s.store.List(ctx, "tmp/", func(i storage.Info) error {
		if i.Modified.After(cutoff) {
			return nil
		}
		res.Temporary++
		return s.store.Delete(ctx, i.Key)
	})
	if err != nil {
		return res, err
	}
	if res.Contents, err = s.sweepContents(ctx, cutoff); err != nil {
		return res, err
	}
	res.Uploads, err = s.sweepUploads(ctx, now.Add(-s.cfg.UploadExpiry))
	return res, err
}

// sweepContents releases the contents (and thumbnails) older than cutoff
// that no live photo holds, looking them up in batches.
func (s *Service) sweepContents(ctx context.Context, cutoff time.Time) (int, error) {
	seen := map[string]bool{}
	var batch []string
	removed := 0
	flush := func() error {
		n, err := s.releaseOrphans(ctx, batch, cutoff)
		removed += n
		batch = batch[:0]
		return err
	}
	for _, prefix := range []string{"photos/sha256/", "thumbs/sha256/"} {
		err := s.store.List(ctx, prefix, func(i storage.Info) error {
			sha := strings.TrimSuffix(strings.TrimPrefix(i.Key, prefix), ".jpg")
			if seen[sha] || i.Modified.After(cutoff) {
				return nil
			}
			seen[sha] = true
			if batch = append(batch, sha); len(batch) == 500 {
				return flush()
			}
			return nil
		})
		if err != nil {
			return removed, err
		}
	}
	return removed, flush()
}

// releaseOrphans releases those of shas that no live photo holds and no
// photo deleted after cutoff held.
func (s *Service) releaseOrphans(ctx context.Context, shas []string, cutoff time.Time) (int, error) {
	if len(shas) == 0 {
		return 0, nil
	}
	var live []string
	err := s.db.WithContext(ctx).Model(&models.Photo{}).Where("sha256 IN ?", shas).Distinct().Pluck("sha256", &live).Error
	if err != nil {
		return 0, err
	}
	// A photo deleted with its owner record keeps its bytes for the grace
	// period too: the sweep, not the delete, releases them.
	var recent []string
	err = s.db.WithContext(ctx).Unscoped().Model(&models.Photo{}).Where("sha256 IN ? AND deleted_at > ?", shas, cutoff).
		Distinct().Pluck("sha256", &recent).Error
	if err != nil {
		return 0, err
	}
	held := map[string]bool{}
	for _, sha := range append(live, recent...) {
		held[sha] = true
	}
	n := 0
	var errs []error
	for _, sha := range shas {
		if held[sha] {
			continue
		}
		if err := s.release(ctx, sha); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}
