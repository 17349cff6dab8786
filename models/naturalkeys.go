package models

import (
	"fmt"
	"log/slog"

	"gorm.io/gorm"
)

// naturalKey is a rule of the domain that at most one live record of a
// type has a given key: one harvest per plot and season, one income per
// household and year. A unique key enforces it (migration 0036); this is
// what resolving the duplicates stored before that key needs.
type naturalKey struct {
	typ   string
	table string
	// cols are the key's columns; parentCol (one of them) names the parent,
	// whose village_code in parentTable is the record's region.
	cols        []string
	parentCol   string
	parentTable string
	newSlice    func() any
}

// naturalKeys lists the rules a unique key enforces.
var naturalKeys = []naturalKey{
	{typ: "harvest", table: "harvests", cols: []string{"plot_id", "season"}, parentCol: "plot_id", parentTable: "plots",
		newSlice: func() any { return &[]Harvest{} }},
	{typ: "income", table: "incomes", cols: []string{"household_id", "year"}, parentCol: "household_id", parentTable: "households",
		newSlice: func() any { return &[]Income{} }},
}

// migrationActor is the actor of the changes a migration makes.
var migrationActor = &Principal{Role: "system", Name: "migration"}

// resolveDuplicateKeys resolves, before the unique keys of naturalKeys are
// created, the duplicates an earlier release let in under concurrency, as
// the API would have answered them: the first record created keeps the
// key, every later one is deleted like a DELETE of the API deletes it
// (audit entry, change-log row the phones pull, statistics moved back).
// It logs what it did.
func (db *DB) resolveDuplicateKeys(tx *gorm.DB, migration string) error {
	for _, k := range naturalKeys {
		n, err := resolveDuplicates(tx, k, migration)
		if err != nil {
			return err
		}
		db.logger().Info("resolved duplicate records before adding a unique key",
			"migration", migration, "type", k.typ, "key", k.cols, "deleted", n)
	}
	return nil
}

// resolveDuplicates deletes every live record of k but the first created
// of each key, and reports how many it deleted.
func resolveDuplicates(tx *gorm.DB, k naturalKey, migration string) (int, error) {
	var groups []struct{ A, B string }
	cols := k.cols[0] + ", " + k.cols[1]
	err := tx.Raw("SELECT " + k.cols[0] + " AS a, " + k.cols[1] + " AS b FROM " + k.table +
		" WHERE deleted_at IS NULL GROUP BY " + cols + " HAVING COUNT(*) > 1 ORDER BY " + cols).Scan(&groups).Error
	if err != nil {
		return 0, fmt.Errorf("find duplicate %s: %w", k.typ, err)
	}
	deleted := 0
	for _, g := range groups {
		err := tx.Transaction(func(tx *gorm.DB) error {
			n, err := resolveGroup(tx, k, g.A, g.B, migration)
			deleted += n
			return err
		})
		if err != nil {
			return deleted, err
		}
	}
	return deleted, nil
}

// resolveGroup deletes the records of one duplicated key but the first.
func resolveGroup(tx *gorm.DB, k naturalKey, a, b string, migration string) (int, error) {
	dst := k.newSlice()
	err := tx.Where(k.cols[0]+" = ? AND "+k.cols[1]+" = ?", a, b).Order("created_at, id").Find(dst).Error
	if err != nil {
		return 0, fmt.Errorf("load duplicate %s: %w", k.typ, err)
	}
	recs := Records(dst)
	if len(recs) < 2 {
		return 0, nil
	}
	var codes []string
	if err := tx.Table(k.parentTable).Where("id = ?", a).Pluck("village_code", &codes).Error; err != nil {
		return 0, fmt.Errorf("load parent of duplicate %s: %w", k.typ, err)
	}
	region := ""
	if len(codes) > 0 {
		region = codes[0]
	}
	now := Now()
	for _, old := range recs[1:] {
		m := CloneRecord(old)
		if _, err := SoftDeleteRecord(tx, m, old.RecordMeta().Version, now); err != nil {
			return 0, err
		}
		err := RecordChange(tx, Change{Type: k.typ, ID: old.RecordMeta().ID, Action: ActionDelete, Actor: migrationActor,
			RequestID: migration, CommissionerID: old.RecordMeta().CommissionerID, RegionCode: region, Before: old})
		if err != nil {
			return 0, err
		}
	}
	return len(recs) - 1, nil
}

// logger is where the database logs what it did on its own (migrations).
func (db *DB) logger() *slog.Logger {
	if db.Log != nil {
		return db.Log
	}
	return slog.Default()
}
