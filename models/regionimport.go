package models

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// divisionFiles are the NBS CSVs, top level first; each has code and name
// as its first two columns.
var divisionFiles = []string{"provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages.csv"}

// ImportRegions loads the division CSVs in dir into regions: the regions
// whose code starts with prefix, and their ancestors (all of China when
// prefix is empty). It upserts, so it can be run again. progress, when not
// nil, is called with the number of rows written so far.
func (db *DB) ImportRegions(ctx context.Context, dir, prefix string, progress func(int)) (int, error) {
	for _, r := range prefix {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("prefix %q is not a region code", prefix)
		}
	}
	w := &regionWriter{db: db, ctx: ctx, vals: make([]any, 0, 5*regionChunk), progress: progress}
	for _, name := range divisionFiles {
		err := scanDivisions(filepath.Join(dir, name), prefix, func(code, rname string) error {
			if LevelOf(code) == "" {
				return fmt.Errorf("%s: code %q has no level", name, code)
			}
			return w.add(code, rname)
		})
		if err != nil {
			return w.total, err
		}
	}
	return w.total, w.flush()
}

// regionWriter collects regions and writes them a chunk at a time.
type regionWriter struct {
	db       *DB
	ctx      context.Context
	vals     []any // code, name, level, parent_code, rural of each row
	total    int
	progress func(int)
}

func (w *regionWriter) add(code, name string) error {
	w.vals = append(w.vals, code, name, LevelOf(code), ParentOf(code), IsRuralCode(code))
	if len(w.vals) == cap(w.vals) {
		return w.flush()
	}
	return nil
}

func (w *regionWriter) flush() error {
	if len(w.vals) == 0 {
		return nil
	}
	if err := w.db.upsertRegions(w.ctx, w.vals); err != nil {
		return err
	}
	w.total += len(w.vals) / 5
	w.vals = w.vals[:0]
	if w.progress != nil {
		w.progress(w.total)
	}
	return nil
}

// regionChunk is the number of rows written per transaction: large enough
// to make commits cheap, small enough not to hold SQLite's one writer lock
// for long. An import cut short leaves whole chunks; a rerun completes it.
const regionChunk = 20000

// regionBatch is the number of rows per statement. SQLite's pure-Go driver
// binds parameters in time quadratic in their number, so it gets small
// statements; MySQL gets larger ones to save round trips.
var regionBatch = map[string]int{"sqlite": 64, "mysql": 1000}

// upsertRegions writes rows of (code, name, level, parent_code, rural) in
// one transaction, regionBatch rows per statement.
func (db *DB) upsertRegions(ctx context.Context, vals []any) error {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	tx, err := sqlDB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("write regions: %w", err)
	}
	defer tx.Rollback()
	size := 5 * regionBatch[db.Dialect]
	full, err := tx.PrepareContext(ctx, upsertRegionsSQL(db.Dialect, size/5))
	if err != nil {
		return fmt.Errorf("write regions: %w", err)
	}
	defer full.Close()
	for len(vals) > 0 {
		n := min(size, len(vals))
		if n == size {
			_, err = full.ExecContext(ctx, vals[:n]...)
		} else {
			_, err = tx.ExecContext(ctx, upsertRegionsSQL(db.Dialect, n/5), vals[:n]...)
		}
		if err != nil {
			return fmt.Errorf("write regions: %w", err)
		}
		vals = vals[n:]
	}
	return tx.Commit()
}

// upsertRegionsSQL is an insert of rows regions that updates the ones that
// exist; unchanged rows are left alone.
func upsertRegionsSQL(dialect string, rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO regions (code, name, level, parent_code, rural) VALUES ")
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?)")
	}
	if dialect == "mysql" {
		b.WriteString(" ON DUPLICATE KEY UPDATE name = VALUES(name), level = VALUES(level), parent_code = VALUES(parent_code), rural = VALUES(rural)")
		return b.String()
	}
	b.WriteString(" ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, parent_code = excluded.parent_code, rural = excluded.rural" +
		" WHERE regions.name <> excluded.name OR regions.level <> excluded.level OR regions.parent_code <> excluded.parent_code OR regions.rural <> excluded.rural")
	return b.String()
}

// scanDivisions calls fn for each row of a division CSV that lies in the
// prefix's subtree or is one of its ancestors. Lines are checked for the
// prefix before they are parsed, which keeps a county import fast.
func scanDivisions(path, prefix string, fn func(code, name string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open divisions: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for first := true; sc.Scan(); first = false {
		line := sc.Text()
		if first && strings.HasPrefix(line, "code,") {
			continue
		}
		code, rest, ok := strings.Cut(line, ",")
		if !ok || !strings.HasPrefix(code, prefix) && !strings.HasPrefix(prefix, code) {
			continue
		}
		name, ok := quotedField(rest)
		if !ok {
			rec, err := csv.NewReader(strings.NewReader(line)).Read()
			if err != nil || len(rec) < 2 {
				return fmt.Errorf("%s: bad line %q", filepath.Base(path), line)
			}
			code, name = rec[0], rec[1]
		}
		if err := fn(code, name); err != nil {
			return err
		}
	}
	return sc.Err()
}

// quotedField reads the common case of a CSV field, "name" with no quote
// inside, at the start of s; ok is false for anything else.
func quotedField(s string) (string, bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", false
	}
	end := strings.IndexByte(s[1:], '"')
	if end < 0 || (len(s) > end+2 && s[end+2] != ',') {
		return "", false
	}
	return s[1 : end+1], true
}
