package loadgen

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
)

// photoOwner is a record that has photos.
type photoOwner struct{ typ, id string }

// checkPhotos lists the photos of every record that has some and compares
// them with the held ones, then downloads stored photos (up to
// cfg.VerifyBytes; all when negative) and checks their bytes.
func (r *Runner) checkPhotos(ctx context.Context, admin *Client, v *Verification) {
	byOwner := map[photoOwner][]*heldPhoto{}
	for _, p := range r.phones {
		for _, ph := range p.photos {
			k := photoOwner{ph.OwnerType, ph.OwnerID}
			byOwner[k] = append(byOwner[k], ph)
		}
	}
	owners := make([]photoOwner, 0, len(byOwner))
	for k := range byOwner {
		owners = append(owners, k)
	}
	var (
		mu     sync.Mutex
		stored []Photo
	)
	_ = parallel(ctx, len(owners), 8, func(i int) error {
		o := owners[i]
		q := url.Values{"owner_type": {o.typ}, "owner_id": {o.id}}
		listed, err := ListAll[Photo](ctx, admin, "GET /photos", "/api/v1/photos", q, 10)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			v.PhotosMissing++
			v.problem("list photos of %s %s: %v", o.typ, o.id, err)
		}
		comparePhotos(v, byOwner[o], listed)
		stored = append(stored, listed...)
		return nil
	})
	r.checkBytes(ctx, admin, v, stored)
}

// comparePhotos compares the photos listed under one owner with the held ones.
func comparePhotos(v *Verification, held []*heldPhoto, listed []Photo) {
	count := map[string]int{}
	byID := map[string]Photo{}
	for _, ph := range listed {
		count[ph.ID]++
		byID[ph.ID] = ph
	}
	ours := map[string]bool{}
	for _, h := range held {
		ours[h.ID] = true
		comparePhoto(v, h, byID[h.ID], count[h.ID])
	}
	for id := range count {
		if !ours[id] {
			v.PhotosUnexpected++
			v.problem("photo %s under %s %s was taken by no phone", id, held[0].OwnerType, held[0].OwnerID)
		}
	}
}

// comparePhoto checks one held photo against what is listed under its
// owner: got, n times.
func comparePhoto(v *Verification, h *heldPhoto, got Photo, n int) {
	v.Photos++
	if h.Acked {
		v.PhotosAcked++
	} else {
		v.Unacked++
		v.problem("photo %s never acknowledged (%s)", h.ID, h.Failed)
	}
	switch {
	case n == 0 && h.Acked:
		v.notStored(h.ID, h.Partial, &v.PhotosMissing, "photo %s acknowledged but not listed under %s %s", h.ID, h.OwnerType, h.OwnerID)
	case n > 1:
		v.PhotosDuplicated++
		v.problem("photo %s listed %d times", h.ID, n)
	case n == 1 && (got.SHA256 != h.SHA256 || got.Size != h.Size):
		v.PhotosMismatched++
		v.problem("photo %s stored as %s/%d, sent %s/%d", h.ID, got.SHA256, got.Size, h.SHA256, h.Size)
	}
}

// checkBytes downloads stored photos and checks that each has its bytes.
func (r *Runner) checkBytes(ctx context.Context, admin *Client, v *Verification, stored []Photo) {
	if r.cfg.VerifyBytes >= 0 && len(stored) > r.cfg.VerifyBytes {
		stored = stored[:r.cfg.VerifyBytes]
	}
	hc := &http.Client{Transport: cleanTransport(), CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	var mu sync.Mutex
	_ = parallel(ctx, len(stored), 8, func(i int) error {
		ph := stored[i]
		sum, err := fetchContent(ctx, hc, admin, ph.ID)
		mu.Lock()
		defer mu.Unlock()
		v.BytesChecked++
		if err != nil || sum != ph.SHA256 {
			v.BytesBad++
			v.problem("photo %s content: sha256 %s, want %s (%v)", ph.ID, sum, ph.SHA256, err)
		}
		return nil
	})
}

// fetchContent downloads a photo's content (following a redirect to a
// signed URL without sending the bearer token there) and returns its
// sha256.
func fetchContent(ctx context.Context, hc *http.Client, admin *Client, id string) (string, error) {
	base := admin.pick()
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/photos/"+url.PathEscape(id)+"/content", nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+admin.Token())
	res, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	if loc := res.Header.Get("Location"); res.StatusCode >= 300 && res.StatusCode < 400 && loc != "" {
		res.Body.Close()
		target, err := req.URL.Parse(loc)
		if err != nil {
			return "", err
		}
		if req, err = http.NewRequestWithContext(ctx, "GET", target.String(), nil); err != nil {
			return "", err
		}
		if res, err = hc.Do(req); err != nil {
			return "", err
		}
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d", res.StatusCode)
	}
	h := sha256.New()
	if _, err := io.Copy(h, res.Body); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
