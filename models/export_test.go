package models

import "time"

// MigrateTo applies the migrations up to and including id, for tests that
// store what an earlier schema allowed before migrating the rest.
func (db *DB) MigrateTo(id string) error {
	m, err := db.migrator(db.DB)
	if err != nil {
		return err
	}
	return m.MigrateTo(id)
}

// Stall makes the lease look last renewed d earlier, as after an export
// that waited that long between two pages.
func (l *ExportLease) Stall(d time.Duration) { l.renewed = l.renewed.Add(-d) }
