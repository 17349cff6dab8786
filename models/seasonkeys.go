package models

import (
	"fmt"
	"time"

	"github.com/tepai/tepai/internal/textcheck"
	"gorm.io/gorm"
)

// canonicalSeasons brings every live harvest's season to its key
// (textcheck.Key), the form the API stores and compares since migration
// 0038: of the harvests of one plot whose seasons have one key, the first
// created stays and the others are deleted as duplicates (resolveGroup's
// way); the one kept, when its season was not yet the key, is updated to
// it as the API updates a record (one version up, audit entry, change-log
// row). Each plot's season is one transaction. It logs what it did.
func (db *DB) canonicalSeasons(tx *gorm.DB, migration string) error {
	type row struct {
		ID, PlotID, Season string
		CreatedAt          time.Time
	}
	var rows []row
	err := tx.Raw("SELECT id, plot_id, season, created_at FROM harvests WHERE deleted_at IS NULL ORDER BY plot_id, created_at, id").Scan(&rows).Error
	if err != nil {
		return fmt.Errorf("read harvest seasons: %w", err)
	}
	type key struct{ plot, season string }
	groups := map[key][]string{}
	var order []key
	stale := map[key]bool{}
	for _, r := range rows {
		k := key{r.PlotID, textcheck.Key(r.Season)}
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r.ID)
		if r.Season != k.season {
			stale[k] = true
		}
	}
	deleted, updated := 0, 0
	for _, k := range order {
		if !stale[k] {
			continue
		}
		err := tx.Transaction(func(tx *gorm.DB) error {
			d, u, err := canonicalSeason(tx, groups[k], k.season, migration)
			deleted, updated = deleted+d, updated+u
			return err
		})
		if err != nil {
			return err
		}
	}
	db.logger().Info("stored harvest seasons as keys", "migration", migration, "updated", updated, "deleted", deleted)
	return nil
}

// canonicalSeason resolves the live harvests ids of one plot, whose
// seasons share the key season: the first created keeps it, the others
// are deleted; it reports how many it deleted and updated.
func canonicalSeason(tx *gorm.DB, ids []string, season, migration string) (deleted, updated int, err error) {
	var hs []Harvest
	if err := tx.Where("id IN ?", ids).Order("created_at, id").Find(&hs).Error; err != nil {
		return 0, 0, fmt.Errorf("load harvests of season %q: %w", season, err)
	}
	if len(hs) == 0 {
		return 0, 0, nil
	}
	var codes []string
	if err := tx.Table("plots").Where("id = ?", hs[0].PlotID).Pluck("village_code", &codes).Error; err != nil {
		return 0, 0, fmt.Errorf("load plot of harvest %s: %w", hs[0].ID, err)
	}
	region := ""
	if len(codes) > 0 {
		region = codes[0]
	}
	now := Now()
	// The duplicates go first, so that the kept harvest's new season
	// meets no live harvest under the unique key of 0036.
	for i := range hs[1:] {
		old := &hs[1+i]
		m := CloneRecord(old)
		if _, err := SoftDeleteRecord(tx, m, old.Version, now); err != nil {
			return deleted, updated, err
		}
		err := RecordChange(tx, Change{Type: "harvest", ID: old.ID, Action: ActionDelete, Actor: migrationActor,
			RequestID: migration, CommissionerID: old.CommissionerID, RegionCode: region, Before: old})
		if err != nil {
			return deleted, updated, err
		}
		deleted++
	}
	kept := &hs[0]
	if kept.Season == season {
		return deleted, updated, nil
	}
	m := CloneRecord(kept).(*Harvest)
	m.Season, m.Version, m.UpdatedAt = season, kept.Version+1, now
	if _, err := UpdateRecord(tx, m, kept.Version); err != nil {
		return deleted, updated, err
	}
	err = RecordChange(tx, Change{Type: "harvest", ID: kept.ID, Action: ActionUpdate, Actor: migrationActor,
		RequestID: migration, CommissionerID: kept.CommissionerID, RegionCode: region, Before: kept, After: m})
	if err != nil {
		return deleted, updated, err
	}
	return deleted, updated + 1, nil
}
