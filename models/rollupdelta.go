package models

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Item kinds counted distinctly in stat_items.
const (
	kindTechnology = "technology"
	kindVariety    = "variety"
	// kindVillage items are the rural villages visited, named by code.
	kindVillage = "village"
)

// maxItemRunes bounds a technology or variety name as stored in stat_items.
const maxItemRunes = 100

// dayOf returns the calendar day of t in Asia/Shanghai, as YYYY-MM-DD.
func dayOf(t time.Time) string { return t.In(shanghai).Format(time.DateOnly) }

// regionChain returns code's ancestors, top first, and code itself:
// "330824115200" → 33, 3308, 330824, 330824115, 330824115200.
func regionChain(code string) []string {
	var out []string
	for _, n := range []int{2, 4, 6, 9, 12} {
		if len(code) >= n {
			out = append(out, code[:n])
		}
	}
	return out
}

// counts are the additive activity figures of stat_activity and stat_days.
type counts struct {
	visits, farmers, leaflets, trainings, trainees, plots, areaCmu int64
}

func (c *counts) add(o counts, sign int64) {
	c.visits += sign * o.visits
	c.farmers += sign * o.farmers
	c.leaflets += sign * o.leaflets
	c.trainings += sign * o.trainings
	c.trainees += sign * o.trainees
	c.plots += sign * o.plots
	c.areaCmu += sign * o.areaCmu
}

func (c counts) isZero() bool { return c == counts{} }

type actKey struct{ region, day, commissioner string }

type dayKey struct{ region, day string }

type itemKey struct{ region, commissioner, kind, day, item string }

// delta is what a change does to the activity aggregates: signed counts
// per (region, day, commissioner) and signed references per item; and to
// stat_commissioners, the latest days records bring per (region,
// commissioner) and those records taken away held.
type delta struct {
	act   map[actKey]*counts
	items map[itemKey]int64
	last  map[lastKey]*lastDays
	drops map[lastKey]*lastDays
}

func newDelta() *delta {
	return &delta{act: map[actKey]*counts{}, items: map[itemKey]int64{}, last: map[lastKey]*lastDays{}, drops: map[lastKey]*lastDays{}}
}

// addRecord adds (sign +1) or removes (sign -1) a visit, training or plot;
// other values, nil and soft-deleted records add nothing.
func (d *delta) addRecord(rec any, sign int64) {
	switch r := rec.(type) {
	case *Visit:
		if r != nil && !r.DeletedAt.Valid && !r.StartedAt.IsZero() && r.VillageCode != "" {
			day := dayOf(r.StartedAt)
			d.addCounts(r.VillageCode, day, r.CommissionerID, counts{visits: 1, farmers: int64(r.FarmersServed), leaflets: int64(r.Leaflets)}, sign)
			d.addItems(r.VillageCode, r.CommissionerID, kindTechnology, day, r.Technologies, sign)
			d.addItems(r.VillageCode, r.CommissionerID, kindVariety, day, r.Varieties, sign)
			d.addVisited(r.VillageCode, day, sign)
		}
	case *Training:
		if r != nil && !r.DeletedAt.Valid && !r.HeldAt.IsZero() && r.RegionCode != "" {
			day := dayOf(r.HeldAt)
			d.addCounts(r.RegionCode, day, r.CommissionerID, counts{trainings: 1, trainees: int64(r.Attendees)}, sign)
			d.addItems(r.RegionCode, r.CommissionerID, kindTechnology, day, r.Technologies, sign)
		}
	case *Plot:
		if day := plotDay(r); day != "" {
			d.addCounts(r.VillageCode, day, r.CommissionerID, counts{plots: 1, areaCmu: centi(r.AreaMu)}, sign)
			d.addItems(r.VillageCode, r.CommissionerID, kindTechnology, day, []string{r.Technology}, sign)
			d.addItems(r.VillageCode, r.CommissionerID, kindVariety, day, []string{r.Variety}, sign)
		}
	}
}

// plotDay is the day a plot counts on: its established_on date, else the
// day it was recorded; "" when the plot does not count.
func plotDay(p *Plot) string {
	if p == nil || p.DeletedAt.Valid || p.VillageCode == "" {
		return ""
	}
	if _, err := time.Parse(time.DateOnly, p.EstablishedOn); err == nil {
		return p.EstablishedOn
	}
	if p.CreatedAt.IsZero() {
		return ""
	}
	return dayOf(p.CreatedAt)
}

func (d *delta) addCounts(region, day, commissioner string, c counts, sign int64) {
	for _, code := range regionChain(region) {
		k := actKey{code, day, commissioner}
		cur := d.act[k]
		if cur == nil {
			cur = &counts{}
			d.act[k] = cur
		}
		cur.add(c, sign)
	}
}

// addItems references each distinct name once: per region at every level
// of the chain (by day, and above village level also by month and year),
// and per commissioner at the record's own region by day.
func (d *delta) addItems(region, commissioner, kind, day string, names []string, sign int64) {
	for _, name := range itemNames(names) {
		for _, code := range regionChain(region) {
			for _, grain := range itemGrains(code, day) {
				d.items[itemKey{code, "", kind, grain, name}] += sign
			}
		}
		d.items[itemKey{region, commissioner, kind, day, name}] += sign
	}
}

// addVisited references a rural village as visited on day, at each level
// of its chain, for the coverage counts.
func (d *delta) addVisited(village, day string, sign int64) {
	if !IsRuralCode(village) {
		return
	}
	for _, code := range regionChain(village) {
		for _, grain := range itemGrains(code, day) {
			d.items[itemKey{code, "", kindVillage, grain, village}] += sign
		}
	}
}

// itemNames trims, bounds and de-duplicates names, dropping empty ones.
func itemNames(names []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if utf8.RuneCountInString(n) > maxItemRunes {
			n = string([]rune(n)[:maxItemRunes])
		}
		if n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// prune drops the entries an update left unchanged.
func (d *delta) prune() {
	for k, c := range d.act {
		if c.isZero() {
			delete(d.act, k)
		}
	}
	for k, n := range d.items {
		if n == 0 {
			delete(d.items, k)
		}
	}
}
