package models

import (
	"reflect"

	"gorm.io/gorm"
)

// applyRollups keeps the pre-aggregated statistics right for the changes
// chs, in their own transaction. Before and After are the record's model
// structs (pointers; nil on create and delete); a value struct is taken as
// its pointer. Before is the record as it stood before the change, so a
// DeletedAt that a soft delete set on the struct is ignored; an After with
// DeletedAt set counts as deleted. Visits, trainings and plots move the
// activity aggregates, summed over all of chs into one delta that is written
// once (a batched push costs a few statements, not a few per record);
// households, incomes, harvests and plots move the income aggregates.
// Other types (assignments, projects, demands, photos) are read directly by
// the statistics queries and need nothing here.
func applyRollups(tx *gorm.DB, chs ...Change) error {
	d := newDelta()
	slots := &slotter{tx: tx}
	for _, ch := range chs {
		if err := applyOne(tx, slots, d, ch); err != nil {
			return err
		}
	}
	return d.apply(tx, slots)
}

// applyOne adds ch's activity to d and writes its income aggregates into
// the transaction's slot.
func applyOne(tx *gorm.DB, slots *slotter, d *delta, ch Change) error {
	before, after := live(asPointer(ch.Before)), asPointer(ch.After)
	rec := after
	if rec == nil {
		rec = before
	}
	switch rec.(type) {
	case *Visit, *Training:
		d.addRecord(before, -1)
		d.addRecord(after, 1)
		d.addLastChange(before, after)
	case *Plot:
		d.addRecord(before, -1)
		d.addRecord(after, 1)
		d.addLastChange(before, after)
		b, _ := before.(*Plot)
		a, _ := after.(*Plot)
		return applyPlotIncome(tx, slots, b, a)
	case *Household:
		b, _ := before.(*Household)
		a, _ := after.(*Household)
		return applyHousehold(tx, slots, b, a)
	case *Income:
		b, _ := before.(*Income)
		a, _ := after.(*Income)
		return applyIncome(tx, slots, b, a)
	case *Harvest:
		b, _ := before.(*Harvest)
		a, _ := after.(*Harvest)
		return applyHarvest(tx, slots, b, a)
	}
	return nil
}

// live returns a copy of a record without its soft-delete mark.
func live(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return v
	}
	meta := rv.Elem().FieldByName("Meta")
	if !meta.IsValid() || !meta.FieldByName("DeletedAt").Interface().(gorm.DeletedAt).Valid {
		return v
	}
	c := reflect.New(rv.Elem().Type())
	c.Elem().Set(rv.Elem())
	c.Elem().FieldByName("Meta").FieldByName("DeletedAt").Set(reflect.ValueOf(gorm.DeletedAt{}))
	return c.Interface()
}

// asPointer returns v as a pointer to its model struct; nil, typed nil
// pointers and unknown types stay as they are (typed nils count nothing).
func asPointer(v any) any {
	switch r := v.(type) {
	case Visit:
		return &r
	case Training:
		return &r
	case Plot:
		return &r
	case Household:
		return &r
	case Income:
		return &r
	case Harvest:
		return &r
	}
	return v
}
