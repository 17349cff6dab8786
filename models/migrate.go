package models

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// dialectTypes are the placeholders a migration may use where SQLite and
// MySQL spell a type differently.
var dialectTypes = map[string]map[string]string{
	"mysql": {
		"{{autoid}}":  "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY",
		"{{ts}}":      "DATETIME(3)",
		"{{text}}":    "MEDIUMTEXT",
		"{{options}}": " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
	},
	"sqlite": {
		"{{autoid}}":  "INTEGER PRIMARY KEY AUTOINCREMENT",
		"{{ts}}":      "DATETIME",
		"{{text}}":    "TEXT",
		"{{options}}": "",
	},
}

// Migrations returns the schema migrations in order: one per file of
// migrations/, named NNNN_what.sql, applied once each and recorded in the
// migrations table. A later release changes a column by adding a file, never
// by editing an applied one.
func (db *DB) Migrations() ([]*gormigrate.Migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []*gormigrate.Migration
	for _, name := range names {
		body, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		id := strings.TrimSuffix(strings.TrimPrefix(name, "migrations/"), ".sql")
		stmts := db.render(string(body))
		out = append(out, &gormigrate.Migration{
			ID: id,
			Migrate: func(tx *gorm.DB) error {
				if step := db.migrationSteps()[id]; step != nil {
					if err := step(tx, id); err != nil {
						return fmt.Errorf("migration %s: %w", id, err)
					}
				}
				for _, s := range stmts {
					if err := tx.Exec(s).Error; err != nil {
						return fmt.Errorf("migration %s: %w\n%s", id, err, s)
					}
				}
				return nil
			},
		})
	}
	return out, nil
}

// migrationSteps are the data repairs a migration makes in Go before its
// statements run (statements that add a unique key need the duplicates
// gone first).
func (db *DB) migrationSteps() map[string]func(tx *gorm.DB, id string) error {
	return map[string]func(tx *gorm.DB, id string) error{
		"0036_natural_keys": db.resolveDuplicateKeys,
		"0038_season_keys":  db.canonicalSeasons,
	}
}

// render substitutes the dialect's types and splits the file into
// statements (separated by a line ending in ";"). Lines starting with
// "-- mysql:" or "-- sqlite:" hold a statement for that dialect only, and
// lines starting with "-- tidb:" one for TiDB only.
func (db *DB) render(body string) []string {
	for k, v := range dialectTypes[db.Dialect] {
		body = strings.ReplaceAll(body, k, v)
	}
	var stmts []string
	var cur strings.Builder
	for _, line := range strings.Split(body, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "-- "+db.Dialect+":"):
			trimmed = strings.TrimSpace(strings.TrimPrefix(trimmed, "-- "+db.Dialect+":"))
		case db.Engine == "tidb" && strings.HasPrefix(trimmed, "-- tidb:"):
			trimmed = strings.TrimSpace(strings.TrimPrefix(trimmed, "-- tidb:"))
		case strings.HasPrefix(trimmed, "--") || trimmed == "":
			continue
		}
		cur.WriteString(trimmed)
		cur.WriteString("\n")
		if strings.HasSuffix(trimmed, ";") {
			stmts = append(stmts, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		stmts = append(stmts, s)
	}
	return stmts
}

// Migrate applies every migration not yet applied. On MySQL engines it
// holds the cluster-wide migration lease meanwhile (see migratelock.go), so
// that replicas starting at once on a new database apply each migration
// once, one after the other, also through different Galera nodes or TiDB
// servers.
func (db *DB) Migrate() error {
	if db.Dialect != "mysql" {
		return db.migrate(db.DB)
	}
	return db.withMigrationLease(context.Background(), func() error { return db.migrate(db.DB) })
}

func (db *DB) migrate(conn *gorm.DB) error {
	m, err := db.migrator(conn)
	if err != nil {
		return err
	}
	if err := m.Migrate(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// migrator returns the migrations applied on conn.
func (db *DB) migrator(conn *gorm.DB) (*gormigrate.Gormigrate, error) {
	ms, err := db.Migrations()
	if err != nil {
		return nil, err
	}
	opts := *gormigrate.DefaultOptions
	opts.TableName = "schema_migrations"
	opts.IDColumnSize = 100
	// MySQL commits DDL implicitly, so only SQLite applies a migration
	// atomically; tables are created IF NOT EXISTS so that a migration cut
	// short there can be run again.
	opts.UseTransaction = db.Dialect == "sqlite"
	return gormigrate.New(conn, &opts, ms), nil
}
