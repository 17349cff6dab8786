package models

import (
	"cmp"
	"fmt"
	"math/rand/v2"

	"gorm.io/gorm"
)

// Why slots. Every record used to add its figures to the same rows of its
// township, county, city and province for its day (stat_days, the item and
// income rows of those regions), so on MySQL every writer of a day queued
// on those rows' locks until the previous writer committed: one commit at
// a time, 59–68 ms of lock wait per record at 32 concurrent writers. Two
// cures were measured against each other. Writing only the village's own
// rows and adding the ancestors at read time keeps writes free but makes a
// province read sum every village row of the year and count visit days
// and distinct items across villages, far past the 300 ms a province may
// take. Splitting each shared row into slots keeps reads as they were (a
// province year is one key per day, times the few slots in use) while no
// two concurrent writers ever share a row. So a key's figures are the sum
// of its slots' rows; a transaction writes into the one slot it holds.

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
	if err != nil {
		return 0, fmt.Errorf("take rollup slot: %w", err)
	}
	if len(got) == 0 {
		// Every slot is held (more transactions in flight than slots):
		// share one, waiting on its rows as before slots existed.
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
// on MySQL; SQLite serializes writers, so it needs none.
func shareLock(tx *gorm.DB) string {
	if tx.Dialector.Name() == "mysql" {
		return " LOCK IN SHARE MODE"
	}
	return ""
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
// this transaction are already written.
//
// A key gaining visits share-locks its stat_visit_days row: many writers
// of one commissioner's day hold it at once without waiting. When the row
// is missing the writer inserts it and counts a new visit day. A key
// losing visits locks the row exclusively, which waits for every writer
// that holds it to commit, then sums the key's slots: at zero it deletes
// the row and takes the visit day away. Keys are taken in key order.
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
	present, err := lockVisitDays(tx, up)
	if err != nil {
		return nil, err
	}
	for _, k := range up {
		if present[k] {
			continue
		}
		res := tx.Exec(insertIgnore(tx)+"stat_visit_days (region_code, day, commissioner_id) VALUES (?, ?, ?)", k.region, k.day, k.commissioner)
		if res.Error != nil {
			return nil, fmt.Errorf("add visit day: %w", res.Error)
		}
		out[dayKey{k.region, k.day}] += res.RowsAffected
	}
	for _, k := range down {
		d, err := dropVisitDay(tx, k)
		if err != nil {
			return nil, err
		}
		out[dayKey{k.region, k.day}] += d
	}
	return out, nil
}

// lockVisitDays share-locks the stat_visit_days rows of keys, returning
// those that exist.
func lockVisitDays(tx *gorm.DB, keys []actKey) (map[actKey]bool, error) {
	out := map[actKey]bool{}
	for i := 0; i < len(keys); {
		j := i
		for j < len(keys) && keys[j].day == keys[i].day && keys[j].commissioner == keys[i].commissioner {
			j++
		}
		regions := make([]string, 0, j-i)
		for _, k := range keys[i:j] {
			regions = append(regions, k.region)
		}
		var got []string
		err := tx.Raw("SELECT region_code FROM stat_visit_days WHERE region_code IN ? AND day = ? AND commissioner_id = ?"+shareLock(tx),
			regions, keys[i].day, keys[i].commissioner).Scan(&got).Error
		if err != nil {
			return nil, fmt.Errorf("read visit days: %w", err)
		}
		for _, r := range got {
			out[actKey{r, keys[i].day, keys[i].commissioner}] = true
		}
		i = j
	}
	return out, nil
}

// dropVisitDay re-counts a key that lost visits: -1 when its last visit
// went (its stat_visit_days row is deleted), +1 when it still has visits
// but no row (a row lost to an earlier fault), else 0.
func dropVisitDay(tx *gorm.DB, k actKey) (int64, error) {
	var rows []string
	err := tx.Raw("SELECT region_code FROM stat_visit_days WHERE region_code = ? AND day = ? AND commissioner_id = ?"+forUpdate(tx),
		k.region, k.day, k.commissioner).Scan(&rows).Error
	if err != nil {
		return 0, fmt.Errorf("lock visit day: %w", err)
	}
	var visits int64
	err = tx.Raw("SELECT COALESCE(SUM(visits), 0) FROM stat_activity WHERE region_code = ? AND day = ? AND commissioner_id = ?",
		k.region, k.day, k.commissioner).Scan(&visits).Error
	if err != nil {
		return 0, fmt.Errorf("count visits: %w", err)
	}
	switch {
	case visits <= 0 && len(rows) > 0:
		err = tx.Exec("DELETE FROM stat_visit_days WHERE region_code = ? AND day = ? AND commissioner_id = ?", k.region, k.day, k.commissioner).Error
		return -1, wrapVisitDay(err)
	case visits > 0 && len(rows) == 0:
		err = tx.Exec("INSERT INTO stat_visit_days (region_code, day, commissioner_id) VALUES (?, ?, ?)", k.region, k.day, k.commissioner).Error
		return 1, wrapVisitDay(err)
	}
	return 0, nil
}

func wrapVisitDay(err error) error {
	if err != nil {
		return fmt.Errorf("update visit day: %w", err)
	}
	return nil
}

// compareAct orders activity keys by region, day and commissioner.
func compareAct(a, b actKey) int {
	return cmp.Or(cmp.Compare(a.region, b.region), cmp.Compare(a.day, b.day), cmp.Compare(a.commissioner, b.commissioner))
}
