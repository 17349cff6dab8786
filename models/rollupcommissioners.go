package models

import (
	"cmp"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// stat_commissioners (migration 0039) holds, per region and commissioner,
// the latest day of a live visit and of a live training of that
// commissioner under the region (Asia/Shanghai, "" when there is none):
// the activity page orders every commissioner of a province by them
// without reading the province's visits. A commissioner with a plot under
// the region has a row too, possibly with neither day, so that the row
// keys name every commissioner with activity figures under the region
// (rows are not removed when their records are; a row with neither day
// says nothing).
//
// The rows are keyed by commissioner: writers of different commissioners
// never share one. A record that brings a later day raises the row
// (GREATEST); most records bring no later day (a commissioner's second
// visit of a day) and only share-lock the rows, so that a commissioner's
// concurrent writers do not wait for each other. A record taken away
// (deleted, or moved to another day, village or commissioner) that held
// a row's day has the day recounted from the record tables.

// lastKey is a row of stat_commissioners.
type lastKey struct{ region, commissioner string }

// lastDays are the latest visit and training days of a row.
type lastDays struct{ visit, training string }

func (l *lastDays) raise(o lastDays) {
	l.visit = max(l.visit, o.visit)
	l.training = max(l.training, o.training)
}

const lastTable = "stat_commissioners"

// lastOf is what a record counts for in stat_commissioners: its region,
// commissioner and day (none for a plot); ok is false for a record that
// counts for nothing (deleted, not a visit, training or plot, or without
// the day or region the activity rollups need).
func lastOf(rec any) (region, commissioner string, days lastDays, ok bool) {
	switch r := rec.(type) {
	case *Visit:
		if r != nil && !r.DeletedAt.Valid && !r.StartedAt.IsZero() && r.VillageCode != "" {
			return r.VillageCode, r.CommissionerID, lastDays{visit: dayOf(r.StartedAt)}, true
		}
	case *Training:
		if r != nil && !r.DeletedAt.Valid && !r.HeldAt.IsZero() && r.RegionCode != "" {
			return r.RegionCode, r.CommissionerID, lastDays{training: dayOf(r.HeldAt)}, true
		}
	case *Plot:
		if plotDay(r) != "" {
			return r.VillageCode, r.CommissionerID, lastDays{}, true
		}
	}
	return "", "", lastDays{}, false
}

// addLastChange records what a change of a record from before to after
// (nil on create and delete) does to stat_commissioners: nothing when
// both count for the same region, commissioner and day (an edit of other
// fields); else before's day is taken away and after's brought.
func (d *delta) addLastChange(before, after any) {
	br, bc, bd, bok := lastOf(before)
	ar, ac, ad, aok := lastOf(after)
	if bok && aok && br == ar && bc == ac && bd == ad {
		return
	}
	if bok {
		d.addLast(br, bc, bd, -1)
	}
	if aok {
		d.addLast(ar, ac, ad, 1)
	}
}

// addLast records what a record brings to (sign +1) or takes from (sign
// -1) the rows of its region's chain.
func (d *delta) addLast(region, commissioner string, days lastDays, sign int64) {
	m := d.last
	if sign < 0 {
		if days == (lastDays{}) {
			return
		}
		m = d.drops
	}
	for _, code := range regionChain(region) {
		k := lastKey{code, commissioner}
		cur := m[k]
		if cur == nil {
			cur = &lastDays{}
			m[k] = cur
		}
		cur.raise(days)
	}
}

// compareLast orders rows by region and commissioner.
func compareLast(a, b lastKey) int {
	return cmp.Or(cmp.Compare(a.region, b.region), cmp.Compare(a.commissioner, b.commissioner))
}

// applyLast keeps stat_commissioners right for d: first the days taken
// away (rows locked, recounted from the records where the day taken may
// have been the row's), then the days brought.
//
// A day brought that is later than every day taken away from the same
// row is the row's new latest day whatever was taken (it is the day of a
// record live after the change: a record brought and taken away again in
// one transaction is also among those taken), so that row needs no
// recount of it. Otherwise the recount reads the records as the
// transaction leaves them, the days brought included, and the day
// brought is not raised on its own.
func (d *delta) applyLast(tx *gorm.DB) error {
	for k, dr := range d.drops {
		r := d.last[k]
		if r == nil {
			r = &lastDays{} // nothing brought: the drop stays
		}
		if r.visit > dr.visit {
			dr.visit = ""
		} else if dr.visit != "" {
			r.visit = ""
		}
		if r.training > dr.training {
			dr.training = ""
		} else if dr.training != "" {
			r.training = ""
		}
		if *dr == (lastDays{}) {
			delete(d.drops, k)
		}
	}
	if err := dropLast(tx, sortedKeys(d.drops, compareLast), d.drops); err != nil {
		return err
	}
	return raiseLast(tx, sortedKeys(d.last, compareLast), d.last)
}

// lastKeysPer bounds the rows one statement names.
const lastKeysPer = 200

// readLast reads the rows of keys with the locking suffix lock.
func readLast(tx *gorm.DB, keys []lastKey, lock string) (map[lastKey]lastDays, error) {
	out := map[lastKey]lastDays{}
	for len(keys) > 0 {
		part := keys[:min(len(keys), lastKeysPer)]
		keys = keys[len(part):]
		args := make([]any, 0, 2*len(part))
		for _, k := range part {
			args = append(args, k.region, k.commissioner)
		}
		where := tuplesWhere(tx, []string{"region_code", "commissioner_id"}, len(part))
		var rows []struct{ RegionCode, CommissionerID, LastVisit, LastTraining string }
		if err := tx.Raw("SELECT region_code, commissioner_id, last_visit, last_training FROM "+lastTable+
			" WHERE "+where+lock, args...).Scan(&rows).Error; err != nil {
			return nil, fmt.Errorf("read %s: %w", lastTable, err)
		}
		for _, r := range rows {
			out[lastKey{r.RegionCode, r.CommissionerID}] = lastDays{r.LastVisit, r.LastTraining}
		}
	}
	return out, nil
}

// raiseLast brings the days of keys into their rows. A plain read first
// finds the rows that are missing or behind; the others are share-locked
// (many writers hold them at once) and read again, as a row may have been
// recounted meanwhile; what is still behind is raised, which locks the
// row until the commit.
func raiseLast(tx *gorm.DB, keys []lastKey, days map[lastKey]*lastDays) error {
	if len(keys) == 0 {
		return nil
	}
	behind := func(k lastKey, cur lastDays, found bool) bool {
		want := *days[k]
		return !found || cur.visit < want.visit || cur.training < want.training
	}
	cur, err := readLast(tx, keys, "")
	if err != nil {
		return err
	}
	var write, ahead []lastKey
	for _, k := range keys {
		c, ok := cur[k]
		if behind(k, c, ok) {
			write = append(write, k)
		} else {
			ahead = append(ahead, k)
		}
	}
	if len(ahead) > 0 && shareLock(tx) != "" {
		locked, err := readLast(tx, ahead, shareLock(tx))
		if err != nil {
			return err
		}
		for _, k := range ahead {
			if c, ok := locked[k]; behind(k, c, ok) {
				write = append(write, k)
			}
		}
		slices.SortFunc(write, compareLast)
	}
	if len(write) == 0 {
		return nil
	}
	rows := make([][]any, len(write))
	for i, k := range write {
		rows[i] = []any{k.region, k.commissioner, days[k].visit, days[k].training}
	}
	return upsertLast(tx, rows)
}

// upsertLast inserts rows (region, commissioner, visit day, training day)
// or raises the existing ones to them.
func upsertLast(tx *gorm.DB, rows [][]any) error {
	mysql := tx.Dialector.Name() == "mysql"
	for len(rows) > 0 {
		part := rows[:min(len(rows), lastKeysPer)]
		rows = rows[len(part):]
		var b strings.Builder
		b.WriteString("INSERT INTO " + lastTable + " (region_code, commissioner_id, last_visit, last_training) VALUES ")
		b.WriteString(strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?),", len(part)), ","))
		if mysql {
			b.WriteString(" ON DUPLICATE KEY UPDATE last_visit = GREATEST(last_visit, VALUES(last_visit)), " +
				"last_training = GREATEST(last_training, VALUES(last_training))")
		} else {
			b.WriteString(" ON CONFLICT (region_code, commissioner_id) DO UPDATE SET " +
				"last_visit = MAX(last_visit, excluded.last_visit), last_training = MAX(last_training, excluded.last_training)")
		}
		if err := tx.Exec(b.String(), flatten(part)...).Error; err != nil {
			return fmt.Errorf("update %s: %w", lastTable, err)
		}
	}
	return nil
}

// dropLast locks the rows of keys, whose records took away the days in
// days, and recounts each day that may have been the row's latest from
// the record tables, reading them with a locking read so that it sees
// every record committed (and waits for those being written). A missing
// row (its records all written in this transaction) is inserted.
func dropLast(tx *gorm.DB, keys []lastKey, days map[lastKey]*lastDays) error {
	if len(keys) == 0 {
		return nil
	}
	cur, err := readLast(tx, keys, forUpdate(tx))
	if err != nil {
		return err
	}
	for _, k := range keys {
		c, found := cur[k]
		dr, next := days[k], c
		lo, hi := PrefixRange(k.region)
		if dr.visit != "" && (!found || dr.visit >= c.visit) {
			if next.visit, err = latestDay(tx, "SELECT MAX(started_at) FROM visits WHERE commissioner_id = ? AND deleted_at IS NULL "+
				"AND village_code >= ? AND village_code < ?", k.commissioner, lo, hi); err != nil {
				return err
			}
		}
		if dr.training != "" && (!found || dr.training >= c.training) {
			if next.training, err = latestDay(tx, "SELECT MAX(held_at) FROM trainings WHERE commissioner_id = ? AND deleted_at IS NULL "+
				"AND region_code >= ? AND region_code < ?", k.commissioner, lo, hi); err != nil {
				return err
			}
		}
		switch {
		case !found:
			if err := upsertLast(tx, [][]any{{k.region, k.commissioner, next.visit, next.training}}); err != nil {
				return err
			}
		case next != c:
			if err := tx.Exec("UPDATE "+lastTable+" SET last_visit = ?, last_training = ? WHERE region_code = ? AND commissioner_id = ?",
				next.visit, next.training, k.region, k.commissioner).Error; err != nil {
				return fmt.Errorf("update %s: %w", lastTable, err)
			}
		}
	}
	return nil
}

// latestDay runs a query of the latest instant of some records, with a
// locking read, and returns its day as the rollups count it (dayOf); ""
// when there is none.
func latestDay(tx *gorm.DB, q string, args ...any) (string, error) {
	var got sql.NullString
	if err := tx.Raw(q+shareLock(tx), args...).Row().Scan(&got); err != nil {
		return "", fmt.Errorf("recount %s: %w", lastTable, err)
	}
	if !got.Valid || got.String == "" {
		return "", nil
	}
	t := parseDBTime(got.String)
	if t.IsZero() {
		return "", fmt.Errorf("recount %s: unreadable time %q", lastTable, got.String)
	}
	return dayOf(t), nil
}
