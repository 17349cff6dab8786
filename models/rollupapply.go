package models

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// maxParams bounds the placeholders of one INSERT per dialect. The SQLite
// driver binds parameters in time quadratic in their number, so its
// statements stay small.
var maxParams = map[string]int{"sqlite": 1000, "mysql": 8000}

// table is an aggregate table: its key columns and its additive columns.
type table struct {
	name string
	keys []string
	adds []string
}

var (
	activityTable = table{"stat_activity", []string{"region_code", "day", "commissioner_id"},
		[]string{"visits", "farmers", "leaflets", "trainings", "trainees", "plots", "plot_area_cmu"}}
	daysTable = table{"stat_days", []string{"region_code", "day"},
		[]string{"visits", "visit_days", "farmers", "leaflets", "trainings", "trainees", "plots", "plot_area_cmu"}}
	itemsTable = table{"stat_items", []string{"region_code", "commissioner_id", "kind", "day", "item"}, []string{"n"}}
	hhTable    = table{"stat_household_years", []string{"household_id", "year"}, []string{"income_fen", "records"}}
	incTable   = table{"stat_incomes", []string{"region_code", "year"},
		[]string{"households", "increased", "increase_fen", "plot_increase_fen"}}
)

// upsert adds rows (key values then additive values, in the table's column
// order) to t: a new key is inserted, an existing one has the values added
// to its own, atomically, on both dialects. Callers pass rows sorted by
// key so that concurrent writers lock rows in the same order.
func upsert(tx *gorm.DB, t table, rows [][]any) error {
	per := maxParams[tx.Dialector.Name()] / (len(t.keys) + len(t.adds))
	for len(rows) > 0 {
		n := min(len(rows), per)
		if err := tx.Exec(upsertSQL(tx.Dialector.Name(), t, n), flatten(rows[:n])...).Error; err != nil {
			return fmt.Errorf("update %s: %w", t.name, err)
		}
		rows = rows[n:]
	}
	return nil
}

func upsertSQL(dialect string, t table, n int) string {
	cols := append(append([]string{}, t.keys...), t.adds...)
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	var b strings.Builder
	b.WriteString("INSERT INTO " + t.name + " (" + strings.Join(cols, ", ") + ") VALUES ")
	b.WriteString(strings.TrimSuffix(strings.Repeat(one+",", n), ","))
	sets := make([]string, len(t.adds))
	for i, c := range t.adds {
		if dialect == "mysql" {
			sets[i] = c + " = " + c + " + VALUES(" + c + ")"
		} else {
			sets[i] = c + " = " + c + " + excluded." + c
		}
	}
	if dialect == "mysql" {
		b.WriteString(" ON DUPLICATE KEY UPDATE ")
	} else {
		b.WriteString(" ON CONFLICT (" + strings.Join(t.keys, ", ") + ") DO UPDATE SET ")
	}
	b.WriteString(strings.Join(sets, ", "))
	return b.String()
}

func flatten(rows [][]any) []any {
	out := make([]any, 0, len(rows)*len(rows[0]))
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

// forUpdate is the locking suffix of a read whose result decides a write;
// SQLite serializes writers, so it needs none.
func forUpdate(tx *gorm.DB) string {
	if tx.Dialector.Name() == "mysql" {
		return " FOR UPDATE"
	}
	return ""
}

// primaryIndex makes MySQL read stat_activity by its primary key: a locking
// read that scanned instead would wait on rows other writers hold, of other
// days, whenever the optimizer thinks the table small.
func primaryIndex(tx *gorm.DB) string {
	if tx.Dialector.Name() == "mysql" {
		return " FORCE INDEX (PRIMARY)"
	}
	return ""
}

// apply writes the delta: stat_activity first, then stat_days (with
// visit_days moved by the visits that became the first or left the last of
// a commissioner's day in a region), then stat_items.
func (d *delta) apply(tx *gorm.DB) error {
	d.prune()
	if len(d.act) > 0 {
		keys := sortedKeys(d.act, func(a, b actKey) int {
			return cmp.Or(cmp.Compare(a.region, b.region), cmp.Compare(a.day, b.day), cmp.Compare(a.commissioner, b.commissioner))
		})
		rows := make([][]any, len(keys))
		for i, k := range keys {
			c := d.act[k]
			rows[i] = []any{k.region, k.day, k.commissioner, c.visits, c.farmers, c.leaflets, c.trainings, c.trainees, c.plots, c.areaCmu}
		}
		if err := upsert(tx, activityTable, rows); err != nil {
			return err
		}
		days, err := d.dayDeltas(tx, keys)
		if err != nil {
			return err
		}
		if err := upsert(tx, daysTable, days); err != nil {
			return err
		}
	}
	return d.applyItems(tx)
}

// dayDeltas folds the activity deltas into per-day rows, reading back the
// visits of each changed (region, day, commissioner) to see whether it
// crossed zero.
func (d *delta) dayDeltas(tx *gorm.DB, keys []actKey) ([][]any, error) {
	after, err := readVisits(tx, keys, d.act)
	if err != nil {
		return nil, err
	}
	days := map[dayKey]*[9]int64{}
	var order []dayKey
	for _, k := range keys {
		dk := dayKey{k.region, k.day}
		v := days[dk]
		if v == nil {
			v = &[9]int64{}
			days[dk] = v
			order = append(order, dk)
		}
		c := d.act[k]
		if c.visits != 0 {
			now, was := after[k], after[k]-c.visits
			switch {
			case was <= 0 && now > 0:
				v[1]++
			case was > 0 && now <= 0:
				v[1]--
			}
		}
		for i, x := range []int64{c.visits, 0, c.farmers, c.leaflets, c.trainings, c.trainees, c.plots, c.areaCmu} {
			v[i] += x
		}
	}
	rows := make([][]any, 0, len(order))
	for _, dk := range order {
		v := days[dk]
		rows = append(rows, []any{dk.region, dk.day, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]})
	}
	return rows, nil
}

// readVisits reads stat_activity.visits of the keys whose visits changed,
// locking them on MySQL (they are already locked by the upsert; the read
// sees this transaction's own values).
func readVisits(tx *gorm.DB, keys []actKey, act map[actKey]*counts) (map[actKey]int64, error) {
	groups := map[[2]string][]string{}
	for _, k := range keys {
		if act[k].visits != 0 {
			g := [2]string{k.day, k.commissioner}
			groups[g] = append(groups[g], k.region)
		}
	}
	out := map[actKey]int64{}
	for g, regions := range groups {
		var rows []struct {
			RegionCode string
			Visits     int64
		}
		err := tx.Raw("SELECT region_code, visits FROM stat_activity"+primaryIndex(tx)+" WHERE day = ? AND commissioner_id = ? AND region_code IN ?"+forUpdate(tx),
			g[0], g[1], regions).Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("read stat_activity: %w", err)
		}
		for _, r := range rows {
			out[actKey{r.RegionCode, g[0], g[1]}] = r.Visits
		}
	}
	return out, nil
}

func (d *delta) applyItems(tx *gorm.DB) error {
	if len(d.items) == 0 {
		return nil
	}
	keys := sortedKeys(d.items, func(a, b itemKey) int {
		return cmp.Or(cmp.Compare(a.region, b.region), cmp.Compare(a.commissioner, b.commissioner),
			cmp.Compare(a.kind, b.kind), cmp.Compare(a.day, b.day), cmp.Compare(a.item, b.item))
	})
	rows := make([][]any, len(keys))
	for i, k := range keys {
		rows[i] = []any{k.region, k.commissioner, k.kind, k.day, k.item, d.items[k]}
	}
	return upsert(tx, itemsTable, rows)
}

func sortedKeys[K comparable, V any](m map[K]V, less func(a, b K) int) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, less)
	return keys
}
