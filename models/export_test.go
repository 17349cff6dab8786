package models

// MigrateTo applies the migrations up to and including id, for tests that
// store what an earlier schema allowed before migrating the rest.
func (db *DB) MigrateTo(id string) error {
	m, err := db.migrator(db.DB)
	if err != nil {
		return err
	}
	return m.MigrateTo(id)
}
