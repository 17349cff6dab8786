package models

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Evidence flags a visit gets from its photos.
const (
	// FlagPhotoTimeMismatch: a photo was taken more than PhotoTimeTolerance
	// before the visit started or after it ended.
	FlagPhotoTimeMismatch = "photo_time_mismatch"
	// FlagPhotoReused: the same photo bytes are attached to a record of
	// another day or another commissioner.
	FlagPhotoReused = "photo_reused"
)

// PhotoTimeTolerance is how far a photo's time may lie from its visit.
const PhotoTimeTolerance = 72 * time.Hour

// RefreshVisitFlags recomputes the photo-based evidence flags of a visit
// and of every visit sharing photo bytes with it, keeping their other
// flags. Call it in the transaction that changes a visit's time or
// commissioner; photo attach and delete call RefreshContentFlags.
func RefreshVisitFlags(tx *gorm.DB, visitID string) error {
	var shas []string
	err := tx.Model(&Photo{}).Where("owner_type = ? AND owner_id = ?", "visit", visitID).Distinct().Pluck("sha256", &shas).Error
	if err != nil {
		return fmt.Errorf("photos of visit %s: %w", visitID, err)
	}
	return refreshVisits(tx, shas, visitID)
}

// RefreshContentFlags recomputes the photo-based flags of every visit
// holding a photo with the content sha, and of visitID when it is not "".
func RefreshContentFlags(tx *gorm.DB, sha, visitID string) error {
	return refreshVisits(tx, []string{sha}, visitID)
}

// RefreshNewContentFlags is RefreshContentFlags for photo ph, just
// written for owner, when no other live photo holds its content (ClaimBlob
// made the content's row). No other visit's flags can change then, and a
// photo never clears a flag of its own visit: it can only set
// photo_time_mismatch, when its time lies far from the visit's. Only then,
// rarely, is the visit read and its flags recomputed; a time within the
// tolerance of the visit's start is within that of its span.
func RefreshNewContentFlags(tx *gorm.DB, ph *Photo, owner *PhotoOwner) error {
	if ph.OwnerType != "visit" {
		return nil
	}
	t := ph.ExifTakenAt
	if t == nil {
		t = ph.TakenAt
	}
	if t == nil || (owner.At != nil && !t.Before(owner.At.Add(-PhotoTimeTolerance)) && !t.After(owner.At.Add(PhotoTimeTolerance))) {
		return nil
	}
	return refreshVisit(tx, ph.OwnerID)
}

// refreshVisits refreshes visitID and the visits holding any of shas, in id
// order so that concurrent refreshes lock rows in the same order.
func refreshVisits(tx *gorm.DB, shas []string, visitID string) error {
	var ids []string
	if len(shas) > 0 {
		err := tx.Model(&Photo{}).Where("owner_type = ? AND sha256 IN ?", "visit", shas).Distinct().Pluck("owner_id", &ids).Error
		if err != nil {
			return fmt.Errorf("visits sharing photos: %w", err)
		}
	}
	if visitID != "" && !slices.Contains(ids, visitID) {
		ids = append(ids, visitID)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if err := refreshVisit(tx, id); err != nil {
			return err
		}
	}
	return nil
}

// refreshVisit recomputes one visit's photo flags and writes them, through
// RecordChange, when they changed. Flags are the server's, not the phone's
// content, so the version stays: a phone's next edit does not conflict.
func refreshVisit(tx *gorm.DB, id string) error {
	var v Visit
	q := tx
	if tx.Dialector.Name() == "mysql" {
		q = tx.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err := q.Where("id = ?", id).Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("load visit %s: %w", id, err)
	}
	mismatch, reused, err := visitPhotoEvidence(tx, &v)
	if err != nil {
		return err
	}
	flags := mergeFlags(v.Flags, map[string]bool{FlagPhotoTimeMismatch: mismatch, FlagPhotoReused: reused})
	if slices.Equal(flags, v.Flags) {
		return nil
	}
	after := v
	after.Flags, after.UpdatedAt = flags, Now()
	if err := tx.Model(&after).Select("flags", "updated_at").Updates(&after).Error; err != nil {
		return fmt.Errorf("write visit flags: %w", err)
	}
	return RecordChange(tx, Change{Type: "visit", ID: id, Action: ActionUpdate, CommissionerID: v.CommissionerID,
		RegionCode: v.VillageCode, Before: &v, After: &after})
}

// visitPhotoEvidence looks at the visit's live photos: is one's time far
// from the visit, and are one's bytes also on a record of another day or
// commissioner?
func visitPhotoEvidence(tx *gorm.DB, v *Visit) (mismatch, reused bool, err error) {
	var photos []Photo
	if err := tx.Where("owner_type = ? AND owner_id = ?", "visit", v.ID).Find(&photos).Error; err != nil {
		return false, false, fmt.Errorf("photos of visit %s: %w", v.ID, err)
	}
	end := v.EndedAt
	if end.Before(v.StartedAt) {
		end = v.StartedAt
	}
	shas := make([]string, 0, len(photos))
	for _, p := range photos {
		t := p.ExifTakenAt
		if t == nil {
			t = p.TakenAt
		}
		if t != nil && (t.Before(v.StartedAt.Add(-PhotoTimeTolerance)) || t.After(end.Add(PhotoTimeTolerance))) {
			mismatch = true
		}
		shas = append(shas, p.SHA256)
	}
	if len(shas) == 0 {
		return mismatch, false, nil
	}
	reused, err = sharedElsewhere(tx, v, shas)
	return mismatch, reused, err
}

// sharedElsewhere reports whether any of shas is on a live photo of
// another record whose day or commissioner differs from the visit's.
func sharedElsewhere(tx *gorm.DB, v *Visit, shas []string) (bool, error) {
	var others []Photo
	err := tx.Select("owner_type", "owner_id", "commissioner_id").
		Where("sha256 IN ? AND NOT (owner_type = ? AND owner_id = ?)", shas, "visit", v.ID).Find(&others).Error
	if err != nil {
		return false, fmt.Errorf("photos sharing bytes: %w", err)
	}
	day := chinaDate(v.StartedAt)
	for _, p := range others {
		o, err := LoadPhotoOwner(tx, p.OwnerType, p.OwnerID, false)
		if err != nil {
			continue // the other record is gone: nothing is reused
		}
		who := o.CommissionerID
		if who == "" {
			who = p.CommissionerID
		}
		if who != v.CommissionerID || o.Day != day {
			return true, nil
		}
	}
	return false, nil
}

// mergeFlags returns flags with each key of set present or absent as set
// says; flags already there keep their places, added ones go last.
func mergeFlags(flags []string, set map[string]bool) []string {
	out := make([]string, 0, len(flags)+len(set))
	for _, f := range flags {
		if want, ours := set[f]; !ours || want {
			out = append(out, f)
		}
	}
	for _, f := range []string{FlagPhotoTimeMismatch, FlagPhotoReused} {
		if set[f] && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	if len(out) == 0 && flags == nil {
		return nil
	}
	return out
}
