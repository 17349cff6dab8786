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
	activityTable = table{"stat_activity", []string{"region_code", "day", "commissioner_id", "slot"},
		[]string{"visits", "farmers", "leaflets", "trainings", "trainees", "plots", "plot_area_cmu"}}
	daysTable = table{"stat_days", []string{"region_code", "day", "slot"},
		[]string{"visits", "visit_days", "farmers", "leaflets", "trainings", "trainees", "plots", "plot_area_cmu"}}
	itemsTable = table{"stat_items", []string{"region_code", "commissioner_id", "kind", "day", "item", "slot"}, []string{"n"}}
	// visitDaysTable has no additive columns: upsert inserts its rows
	// plainly, which only the rebuild does (each key once, into an empty
	// table).
	visitDaysTable = table{"stat_visit_days", []string{"region_code", "day", "commissioner_id"}, nil}
	hhTable        = table{"stat_household_years", []string{"household_id", "year"}, []string{"income_fen", "records"}}
	incTable       = table{"stat_incomes", []string{"region_code", "year", "slot"},
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
	if len(t.adds) == 0 {
		return b.String()
	}
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

// apply writes the delta into slot: stat_activity first, then stat_days
// (with visit_days moved by the keys that gained their first visit or lost
// their last, see visitDayDeltas), then stat_items.
func (d *delta) apply(tx *gorm.DB, slots *slotter) error {
	d.prune()
	if err := d.applyLast(tx); err != nil {
		return err
	}
	if len(d.act) == 0 && len(d.items) == 0 {
		return nil
	}
	slot, err := slots.get()
	if err != nil {
		return err
	}
	if len(d.act) > 0 {
		keys := sortedKeys(d.act, compareAct)
		rows := make([][]any, len(keys))
		for i, k := range keys {
			c := d.act[k]
			rows[i] = []any{k.region, k.day, k.commissioner, slot, c.visits, c.farmers, c.leaflets, c.trainings, c.trainees, c.plots, c.areaCmu}
		}
		if err := upsert(tx, activityTable, rows); err != nil {
			return err
		}
		days, err := d.dayDeltas(tx, keys, slot)
		if err != nil {
			return err
		}
		if err := upsert(tx, daysTable, days); err != nil {
			return err
		}
	}
	return d.applyItems(tx, slot)
}

// dayDeltas folds the activity deltas into per-day rows of slot.
func (d *delta) dayDeltas(tx *gorm.DB, keys []actKey, slot int) ([][]any, error) {
	visitDays, err := visitDayDeltas(tx, keys, d.act)
	if err != nil {
		return nil, err
	}
	days := map[dayKey]*[8]int64{}
	var order []dayKey
	for _, k := range keys {
		dk := dayKey{k.region, k.day}
		v := days[dk]
		if v == nil {
			v = &[8]int64{}
			days[dk] = v
			order = append(order, dk)
		}
		c := d.act[k]
		for i, x := range []int64{c.visits, 0, c.farmers, c.leaflets, c.trainings, c.trainees, c.plots, c.areaCmu} {
			v[i] += x
		}
	}
	rows := make([][]any, 0, len(order))
	for _, dk := range order {
		v := days[dk]
		rows = append(rows, []any{dk.region, dk.day, slot, v[0], visitDays[dk], v[2], v[3], v[4], v[5], v[6], v[7]})
	}
	return rows, nil
}

func (d *delta) applyItems(tx *gorm.DB, slot int) error {
	if len(d.items) == 0 {
		return nil
	}
	keys := sortedKeys(d.items, func(a, b itemKey) int {
		return cmp.Or(cmp.Compare(a.region, b.region), cmp.Compare(a.commissioner, b.commissioner),
			cmp.Compare(a.kind, b.kind), cmp.Compare(a.day, b.day), cmp.Compare(a.item, b.item))
	})
	rows := make([][]any, len(keys))
	for i, k := range keys {
		rows[i] = []any{k.region, k.commissioner, k.kind, k.day, k.item, slot, d.items[k]}
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
