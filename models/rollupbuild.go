package models

import (
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"
)

// statTables are the aggregate tables, emptied by a rebuild.
var statTables = []string{"stat_activity", "stat_days", "stat_items", "stat_visit_days", "stat_household_years", "stat_incomes", lastTable}

// RebuildRollups recomputes every statistics aggregate from the record
// tables, replacing what is there: for a database filled outside
// RecordChange (a bulk load, a restore). It must not run while records are
// written. progress, when not nil, hears about each county done.
func (db *DB) RebuildRollups(ctx context.Context, progress func(county string)) error {
	for _, t := range statTables {
		if err := db.WithContext(ctx).Exec("DELETE FROM " + t).Error; err != nil {
			return fmt.Errorf("empty %s: %w", t, err)
		}
	}
	if err := db.rebuildActivity(ctx, progress); err != nil {
		return err
	}
	return db.rebuildIncomes(ctx)
}

// rebuildActivity writes the activity aggregates a county at a time; the
// rows of a city, which all its counties add to, when the city is done,
// and the province rows last.
func (db *DB) rebuildActivity(ctx context.Context, progress func(county string)) error {
	counties, err := db.recordCounties(ctx)
	if err != nil {
		return err
	}
	city, province := newDelta(), newDelta()
	for i, county := range counties {
		d, err := db.countyDelta(ctx, county)
		if err != nil {
			return err
		}
		d.moveUp(city, 4)
		d.moveUp(province, 2)
		if err := db.writeDelta(ctx, d); err != nil {
			return err
		}
		if i == len(counties)-1 || counties[i+1][:4] != county[:4] {
			if err := db.writeDelta(ctx, city); err != nil {
				return err
			}
			city = newDelta()
		}
		if progress != nil {
			progress(county)
		}
	}
	return db.writeDelta(ctx, province)
}

// moveUp moves the entries of regions codeLen long from d into to.
func (d *delta) moveUp(to *delta, codeLen int) {
	for k, c := range d.act {
		if len(k.region) == codeLen {
			to.act[k] = addCounts(to.act[k], c)
			delete(d.act, k)
		}
	}
	for k, n := range d.items {
		if len(k.region) == codeLen {
			to.items[k] += n
			delete(d.items, k)
		}
	}
	for k, l := range d.last {
		if len(k.region) == codeLen {
			if to.last[k] == nil {
				to.last[k] = &lastDays{}
			}
			to.last[k].raise(*l)
			delete(d.last, k)
		}
	}
}

func addCounts(cur, c *counts) *counts {
	if cur == nil {
		cur = &counts{}
	}
	cur.add(*c, 1)
	return cur
}

// recordCounties lists the county prefixes of every region records name.
func (db *DB) recordCounties(ctx context.Context) ([]string, error) {
	var codes []string
	set := map[string]bool{}
	for _, q := range []string{
		"SELECT DISTINCT SUBSTR(village_code, 1, 6) FROM visits WHERE deleted_at IS NULL",
		"SELECT DISTINCT SUBSTR(region_code, 1, 6) FROM trainings WHERE deleted_at IS NULL",
		"SELECT DISTINCT SUBSTR(village_code, 1, 6) FROM plots WHERE deleted_at IS NULL",
	} {
		var got []string
		if err := db.WithContext(ctx).Raw(q).Scan(&got).Error; err != nil {
			return nil, fmt.Errorf("record counties: %w", err)
		}
		for _, c := range got {
			if !set[c] {
				set[c] = true
				codes = append(codes, c)
			}
		}
	}
	slices.Sort(codes)
	return codes, nil
}

// countyDelta adds up the live visits, trainings and plots of one county.
func (db *DB) countyDelta(ctx context.Context, county string) (*delta, error) {
	d := newDelta()
	q := func(col string) *gorm.DB { return InRegion(db.WithContext(ctx), col, county) }
	var visits []Visit
	if err := q("village_code").Select("id, commissioner_id, village_code, started_at, farmers_served, leaflets, technologies, varieties").
		Find(&visits).Error; err != nil {
		return nil, fmt.Errorf("rebuild visits: %w", err)
	}
	for i := range visits {
		d.addRecord(&visits[i], 1)
		d.addLastChange(nil, &visits[i])
	}
	var trainings []Training
	if err := q("region_code").Select("id, commissioner_id, region_code, held_at, attendees, technologies").Find(&trainings).Error; err != nil {
		return nil, fmt.Errorf("rebuild trainings: %w", err)
	}
	for i := range trainings {
		d.addRecord(&trainings[i], 1)
		d.addLastChange(nil, &trainings[i])
	}
	var plots []Plot
	if err := q("village_code").Select("id, commissioner_id, village_code, variety, technology, area_mu, established_on, created_at").
		Find(&plots).Error; err != nil {
		return nil, fmt.Errorf("rebuild plots: %w", err)
	}
	for i := range plots {
		d.addRecord(&plots[i], 1)
		d.addLastChange(nil, &plots[i])
	}
	return d, nil
}

// writeDelta inserts a delta's rows into empty aggregate rows of slot 0,
// with the days' visit_days counted from the activity rows and their keys
// with visits in stat_visit_days.
func (db *DB) writeDelta(ctx context.Context, d *delta) error {
	d.prune()
	act := make([][]any, 0, len(d.act))
	var present [][]any
	days := map[dayKey]*[8]int64{}
	for k, c := range d.act {
		act = append(act, []any{k.region, k.day, k.commissioner, 0, c.visits, c.farmers, c.leaflets, c.trainings, c.trainees, c.plots, c.areaCmu})
		v := days[dayKey{k.region, k.day}]
		if v == nil {
			v = &[8]int64{}
			days[dayKey{k.region, k.day}] = v
		}
		for i, x := range []int64{c.visits, 0, c.farmers, c.leaflets, c.trainings, c.trainees, c.plots, c.areaCmu} {
			v[i] += x
		}
		if c.visits > 0 {
			v[1]++
			present = append(present, []any{k.region, k.day, k.commissioner})
		}
	}
	dayRows := make([][]any, 0, len(days))
	for k, v := range days {
		dayRows = append(dayRows, []any{k.region, k.day, 0, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]})
	}
	items := make([][]any, 0, len(d.items))
	for k, n := range d.items {
		items = append(items, []any{k.region, k.commissioner, k.kind, k.day, k.item, 0, n})
	}
	last := make([][]any, 0, len(d.last))
	for k, l := range d.last {
		last = append(last, []any{k.region, k.commissioner, l.visit, l.training})
	}
	return db.Tx(ctx, func(tx *gorm.DB) error {
		if err := upsertLast(tx, last); err != nil {
			return err
		}
		for _, w := range []struct {
			t    table
			rows [][]any
		}{{activityTable, act}, {daysTable, dayRows}, {itemsTable, items}, {visitDaysTable, present}} {
			if err := upsert(tx, w.t, w.rows); err != nil {
				return err
			}
		}
		return nil
	})
}
