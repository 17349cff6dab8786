package models

import (
	"fmt"
	"slices"

	"gorm.io/gorm"
)

// A photo is seen by whoever sees its owner record's region (photoScope),
// so it follows the owner: when the owner moves to another region its
// photos move with it, and when the owner is deleted its photos are
// deleted too. Their bytes stay until the sweep finds no live photo holding
// them and no photo deleted within the grace period (photos/sweep.go).
// followOwners runs inside RecordChanges, so every write of a record (API
// and sync push alike) takes its photos along in the same transaction.

// followOwners applies the changes of photo owners in chs to their photos.
func followOwners(tx *gorm.DB, chs []Change) error {
	for _, ch := range chs {
		if !slices.Contains(PhotoOwnerTypes, ch.Type) {
			continue
		}
		var err error
		switch ch.Action {
		case ActionDelete:
			err = hidePhotosOf(tx, ch)
		case ActionUpdate:
			from, _ := photoRegion(ch.Before)
			if to, ok := photoRegion(ch.After); ok && to != from {
				err = movePhotosOf(tx, ch, to)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// photoRegion is the region a record gives its photos; ok is false for
// records that carry none of their own (a plot observation takes its
// plot's, and moves with it).
func photoRegion(m any) (code string, ok bool) {
	switch r := asPointer(m).(type) {
	case *Visit:
		return r.VillageCode, true
	case *Training:
		return r.RegionCode, true
	case *Plot:
		return r.VillageCode, true
	case *Demand:
		return r.RegionCode, true
	}
	return "", false
}

// ownedPhotos selects the live photos of the owner of ch; a plot's include
// those of its observations, which stand where the plot stands.
func ownedPhotos(tx *gorm.DB, ch Change) *gorm.DB {
	q := tx.Model(&Photo{})
	if ch.Type != "plot" {
		return q.Where("owner_type = ? AND owner_id = ?", ch.Type, ch.ID)
	}
	obs := tx.Unscoped().Model(&PlotObservation{}).Select("id").Where("plot_id = ?", ch.ID)
	return q.Where("((owner_type = ? AND owner_id = ?) OR (owner_type = ? AND owner_id IN (?)))", "plot", ch.ID, "plot_observation", obs)
}

// movePhotosOf moves the owner's live photos to region, one version up,
// with a change record each.
func movePhotosOf(tx *gorm.DB, ch Change, region string) error {
	var phs []Photo
	if err := ownedPhotos(tx, ch).Where("region_code <> ?", region).Order("id").Find(&phs).Error; err != nil {
		return fmt.Errorf("photos of %s %s: %w", ch.Type, ch.ID, err)
	}
	now := Now()
	out := make([]Change, 0, len(phs))
	for i := range phs {
		before := phs[i]
		after := before
		after.RegionCode, after.Version, after.UpdatedAt = region, before.Version+1, now
		err := tx.Model(&Photo{}).Where("id = ?", before.ID).
			Updates(map[string]any{"region_code": region, "version": after.Version, "updated_at": now}).Error
		if err != nil {
			return fmt.Errorf("move photo %s: %w", before.ID, err)
		}
		out = append(out, Change{Type: "photo", ID: before.ID, Action: ActionUpdate, Actor: ch.Actor, RequestID: ch.RequestID,
			CommissionerID: before.CommissionerID, RegionCode: region, Before: &before, After: &after})
	}
	return RecordChanges(tx, out)
}

// hidePhotosOf deletes the live photos of a deleted owner, with a change
// record each, and refreshes the evidence flags of the visits that shared
// their bytes.
func hidePhotosOf(tx *gorm.DB, ch Change) error {
	var phs []Photo
	if err := ownedPhotos(tx, ch).Order("id").Find(&phs).Error; err != nil {
		return fmt.Errorf("photos of %s %s: %w", ch.Type, ch.ID, err)
	}
	if len(phs) == 0 {
		return nil
	}
	now := Now()
	out := make([]Change, 0, len(phs))
	var shas []string
	for i := range phs {
		ph := phs[i]
		err := tx.Model(&Photo{}).Where("id = ?", ph.ID).
			Updates(map[string]any{"deleted_at": now, "version": ph.Version + 1, "updated_at": now}).Error
		if err != nil {
			return fmt.Errorf("delete photo %s: %w", ph.ID, err)
		}
		out = append(out, Change{Type: "photo", ID: ph.ID, Action: ActionDelete, Actor: ch.Actor, RequestID: ch.RequestID,
			CommissionerID: ph.CommissionerID, RegionCode: ph.RegionCode, Before: &ph})
		if !slices.Contains(shas, ph.SHA256) {
			shas = append(shas, ph.SHA256)
		}
	}
	if err := RecordChanges(tx, out); err != nil {
		return err
	}
	return refreshVisits(tx, shas, "")
}
