package models

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"gorm.io/driver/mysql"
	"gorm.io/gorm"
)

// Why slots. Every record used to add its figures to the same rows of its
// township, county, city and province for its day (stat_days, the item and
// income rows of those regions), so on MySQL every writer of a day queued
// on those rows' locks until the previous writer committed: at 32
// concurrent POST /visits of one commissioner, 910 ms of InnoDB row-lock
// wait per record and throughput falling from concurrency 8 to 32
// (BenchmarkWriteConcurrency, scripts/bench-writes). Writing only the
// village's own rows and adding the ancestors at read time would free the
// writers too, but visit days and distinct items do not add up across
// villages: a province's year would be a distinct count over every
// village row of it, the cost BenchmarkStats' raw variants show, far
// past the 300 ms a province read may take. Splitting each shared row into
// slots keeps reads as they were (a key's rows times the few slots in
// use) while no two concurrent writers share a row: measured, 0 ms of lock
// wait per record at 32 and throughput holding from 8 to 32, with the
// rollup reads within their targets. So a key's figures are the sum of
// its slots' rows; a transaction writes into the one slot it holds.

// rollupSlots is how many slots stat_slots holds (migration 0035): more
// than the MySQL connection pool of one replica, so that each concurrent
// transaction of a replica finds a free one.
const rollupSlots = 64

// takeSlot returns the slot tx writes its rollup rows into. On MySQL it
// locks the lowest stat_slots row no other transaction holds (SKIP
// LOCKED), kept until tx ends: concurrent writers get different slots and
// never wait for each other's aggregate rows, and when writes do not
// overlap they all use slot 0, so a key has as many rows as writers ever
// overlapped on it. SQLite has a single writer: slot 0.
func takeSlot(tx *gorm.DB) (int, error) {
	if tx.Dialector.Name() != "mysql" {
		return 0, nil
	}
	var got []int
	err := tx.Raw("SELECT slot FROM stat_slots ORDER BY slot LIMIT 1 FOR UPDATE SKIP LOCKED").Scan(&got).Error
	if IsDeadlock(err) {
		return 0, fmt.Errorf("take rollup slot: %w", err)
	}
	if err != nil || len(got) == 0 {
		// A server without SKIP LOCKED (MySQL before 8.0, MariaDB before
		// 10.6) refuses the statement, which leaves the transaction as
		// it was; or every slot is held (more transactions in flight than
		// slots). Any slot is as exact as another, only possibly shared.
		return rand.IntN(rollupSlots), nil
	}
	return got[0], nil
}

// slotter takes tx's slot the first time one is needed.
type slotter struct {
	tx    *gorm.DB
	slot  int
	taken bool
}

func (s *slotter) get() (int, error) {
	if !s.taken {
		n, err := takeSlot(s.tx)
		if err != nil {
			return 0, err
		}
		s.slot, s.taken = n, true
	}
	return s.slot, nil
}

// shareLock is the suffix of a read that share-locks the rows it returns
// on MySQL; SQLite serializes writers, so it needs none. TiDB has no
// shared row locks (it refuses LOCK IN SHARE MODE): there the read locks
// its rows exclusively, as exact, with writers of the same key waiting
// for each other.
func shareLock(tx *gorm.DB) string {
	switch {
	case tx.Dialector.Name() != "mysql":
		return ""
	case onTiDB(tx):
		return " FOR UPDATE"
	}
	return " LOCK IN SHARE MODE"
}

// onTiDB reports whether tx speaks to TiDB, from the server version the
// MySQL driver read when the pool opened.
func onTiDB(tx *gorm.DB) bool {
	d, ok := tx.Dialector.(*mysql.Dialector)
	return ok && d.Config != nil && strings.Contains(d.ServerVersion, "TiDB")
}

// insertIgnore is the dialect's INSERT that skips an existing key.
func insertIgnore(tx *gorm.DB) string {
	if tx.Dialector.Name() == "mysql" {
		return "INSERT IGNORE INTO "
	}
	return "INSERT OR IGNORE INTO "
}

// visitDayDeltas returns the change of stat_days.visit_days per
// (region, day) that the visit deltas of keys make, keeping
// stat_visit_days (the keys with live visits) right. The activity rows of
// this transaction are already written. It runs a few statements for all
// the keys, however many there are.
//
// A key gaining visits share-locks its stat_visit_days row: many writers
// of one commissioner's day hold it at once without waiting. When the row
// is missing the writer inserts it and counts a new visit day (a writer
// inserting the same key at the same moment waits for this one to end,
// then finds the row). A key losing visits locks the row exclusively,
// which waits for every writer that holds it to commit, then sums the
// key's slots: at zero it deletes the row and takes the visit day away.
func visitDayDeltas(tx *gorm.DB, keys []actKey, act map[actKey]*counts) (map[dayKey]int64, error) {
	var up, down []actKey
	for _, k := range keys {
		switch v := act[k].visits; {
		case v > 0:
			up = append(up, k)
		case v < 0:
			down = append(down, k)
		}
	}
	out := map[dayKey]int64{}
	if err := addVisitDays(tx, up, out); err != nil {
		return nil, err
	}
	if err := dropVisitDays(tx, down, out); err != nil {
		return nil, err
	}
	return out, nil
}

// visitDayKeysPer bounds the keys one statement names.
const visitDayKeysPer = 200

// keysWhere is the condition naming keys exactly, with its arguments.
func keysWhere(tx *gorm.DB, keys []actKey) (string, []any) {
	args := make([]any, 0, 3*len(keys))
	for _, k := range keys {
		args = append(args, k.region, k.day, k.commissioner)
	}
	return tuplesWhere(tx, []string{"region_code", "day", "commissioner_id"}, len(keys)), args
}

// tuplesWhere is the condition that cols equal one of n tuples of
// arguments, in order. On MySQL it is a row IN list, which MariaDB plans
// as one range of points as an OR of conditions is, but reads in about
// two thirds of the time (81 keys of stat_visit_days: 0.9 against 1.5 ms
// a statement); SQLite has no IN list of row values.
func tuplesWhere(tx *gorm.DB, cols []string, n int) string {
	if tx.Dialector.Name() == "mysql" {
		one := "(" + strings.Repeat("?, ", len(cols)-1) + "?)"
		return "(" + strings.Join(cols, ", ") + ") IN (" + strings.Join(slices.Repeat([]string{one}, n), ", ") + ")"
	}
	one := "(" + strings.Join(cols, " = ? AND ") + " = ?)"
	return "(" + strings.Join(slices.Repeat([]string{one}, n), " OR ") + ")"
}

// chunks calls fn with keys split into parts of visitDayKeysPer.
func chunks(keys []actKey, fn func([]actKey) error) error {
	for len(keys) > 0 {
		n := min(len(keys), visitDayKeysPer)
		if err := fn(keys[:n]); err != nil {
			return err
		}
		keys = keys[n:]
	}
	return nil
}

// readVisitDays reads which of keys have a stat_visit_days row, with the
// locking suffix lock.
func readVisitDays(tx *gorm.DB, keys []actKey, lock string) (map[actKey]bool, error) {
	out := map[actKey]bool{}
	err := chunks(keys, func(part []actKey) error {
		where, args := keysWhere(tx, part)
		var rows []struct{ RegionCode, Day, CommissionerID string }
		err := tx.Raw("SELECT region_code, day, commissioner_id FROM stat_visit_days WHERE "+where+lock, args...).Scan(&rows).Error
		for _, r := range rows {
			out[actKey{r.RegionCode, r.Day, r.CommissionerID}] = true
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read visit days: %w", err)
	}
	return out, nil
}

// addVisitDays share-locks the rows of keys that gained visits and
// inserts those missing, counting each insert in out.
func addVisitDays(tx *gorm.DB, keys []actKey, out map[dayKey]int64) error {
	// A plain read first: a locking read of a missing key would also lock
	// the gap before the next key, which another open transaction may be
	// inserting, and wait for it. Only the rows found are share-locked.
	// Even at READ COMMITTED (no gap locks) one locking read of all the
	// keys is no good: when the plan scans rather than looks each key up
	// (a small table), it waits for every uncommitted row it passes, and
	// TestPullDeliversTransactionsCommittedOutOfOrder then hangs.
	present, err := readVisitDays(tx, keys, "")
	if err != nil {
		return err
	}
	var found, missing []actKey
	for _, k := range keys {
		if present[k] {
			found = append(found, k)
		} else {
			missing = append(missing, k)
		}
	}
	if len(found) > 0 && shareLock(tx) != "" {
		if _, err := readVisitDays(tx, found, shareLock(tx)); err != nil {
			return err
		}
	}
	return chunks(missing, func(part []actKey) error {
		rows := make([][]any, len(part))
		for i, k := range part {
			rows[i] = []any{k.region, k.day, k.commissioner}
		}
		// One insert for all; when another writer inserted one of them
		// meanwhile, the statement fails as a whole (and is undone on
		// its own) and each key is inserted unless there.
		err := upsert(tx, visitDaysTable, rows)
		if err == nil {
			for _, k := range part {
				out[dayKey{k.region, k.day}]++
			}
			return nil
		}
		if !errors.Is(err, gorm.ErrDuplicatedKey) && !IsDuplicate(err) {
			return err
		}
		for _, k := range part {
			res := tx.Exec(insertIgnore(tx)+"stat_visit_days (region_code, day, commissioner_id) VALUES (?, ?, ?)", k.region, k.day, k.commissioner)
			if res.Error != nil {
				return fmt.Errorf("add visit day: %w", res.Error)
			}
			out[dayKey{k.region, k.day}] += res.RowsAffected
		}
		return nil
	})
}

// dropVisitDays locks the rows of keys that lost visits, re-counts their
// visits over every slot, deletes the rows of those left with none (-1 in
// out) and inserts the missing row of one that still has some (+1: a row
// lost to an earlier fault).
func dropVisitDays(tx *gorm.DB, keys []actKey, out map[dayKey]int64) error {
	if len(keys) == 0 {
		return nil
	}
	present, err := readVisitDays(tx, keys, forUpdate(tx))
	if err != nil {
		return err
	}
	visits := map[actKey]int64{}
	err = chunks(keys, func(part []actKey) error {
		where, args := keysWhere(tx, part)
		var rows []struct {
			RegionCode, Day, CommissionerID string
			Visits                          int64
		}
		err := tx.Raw("SELECT region_code, day, commissioner_id, SUM(visits) AS visits FROM stat_activity WHERE "+where+
			" GROUP BY region_code, day, commissioner_id", args...).Scan(&rows).Error
		for _, r := range rows {
			visits[actKey{r.RegionCode, r.Day, r.CommissionerID}] = r.Visits
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("count visits: %w", err)
	}
	var gone, back []actKey
	for _, k := range keys {
		switch {
		case visits[k] <= 0 && present[k]:
			gone = append(gone, k)
			out[dayKey{k.region, k.day}]--
		case visits[k] > 0 && !present[k]:
			back = append(back, k)
			out[dayKey{k.region, k.day}]++
		}
	}
	err = chunks(gone, func(part []actKey) error {
		where, args := keysWhere(tx, part)
		return tx.Exec("DELETE FROM stat_visit_days WHERE "+where, args...).Error
	})
	if err == nil {
		err = chunks(back, func(part []actKey) error {
			rows := make([][]any, len(part))
			for i, k := range part {
				rows[i] = []any{k.region, k.day, k.commissioner}
			}
			return upsert(tx, visitDaysTable, rows)
		})
	}
	if err != nil {
		return fmt.Errorf("update visit days: %w", err)
	}
	return nil
}

// compareAct orders activity keys by region, day and commissioner.
func compareAct(a, b actKey) int {
	return cmp.Or(cmp.Compare(a.region, b.region), cmp.Compare(a.day, b.day), cmp.Compare(a.commissioner, b.commissioner))
}
