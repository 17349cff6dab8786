package models_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tepai/tepai/models"
)

// rawField is a commissioner's field activity under a region computed
// from the record tables alone.
type rawField struct {
	lastVisit, lastTraining string
	lastSync                time.Time
	flagged                 int64
}

// rawActivity computes, by plain queries over the record tables, the
// latest visit and training day, last sync and flagged visits in p of
// every commissioner with a live visit or training under region.
func rawActivity(t *testing.T, db *models.DB, region string, p models.Period) map[string]*rawField {
	t.Helper()
	lo, hi := models.PrefixRange(region)
	var visits []struct {
		CommissionerID string
		StartedAt      time.Time
		ReceivedAt     time.Time
		Flags          string
	}
	must(t, db.Raw("SELECT commissioner_id, started_at, received_at, flags FROM visits WHERE deleted_at IS NULL "+
		"AND village_code >= ? AND village_code < ?", lo, hi).Scan(&visits).Error)
	out := map[string]*rawField{}
	get := func(id string) *rawField {
		if out[id] == nil {
			out[id] = &rawField{}
		}
		return out[id]
	}
	for _, v := range visits {
		f, day := get(v.CommissionerID), v.StartedAt.In(cst).Format(time.DateOnly)
		f.lastVisit = max(f.lastVisit, day)
		if v.ReceivedAt.After(f.lastSync) {
			f.lastSync = v.ReceivedAt.UTC()
		}
		if day >= p.From && day <= p.To && v.Flags != "" && v.Flags != "[]" && v.Flags != "null" {
			f.flagged++
		}
	}
	var trainings []struct {
		CommissionerID string
		HeldAt         time.Time
	}
	must(t, db.Raw("SELECT commissioner_id, held_at FROM trainings WHERE deleted_at IS NULL AND region_code >= ? AND region_code < ?",
		lo, hi).Scan(&trainings).Error)
	for _, tr := range trainings {
		f := get(tr.CommissionerID)
		f.lastTraining = max(f.lastTraining, tr.HeldAt.In(cst).Format(time.DateOnly))
	}
	return out
}

// checkActivity compares the activity page's figures of region and p
// (ActivityRoster and ActivityOf, reading the whole region and reading the
// commissioners one by one) with the record tables: who is listed, their
// latest days, last sync, flagged visits and service figures.
func checkActivity(t *testing.T, db *models.DB, region string, p models.Period) {
	t.Helper()
	ctx := context.Background()
	what := region + " " + p.From + ".." + p.To
	entries, err := db.ActivityRoster(ctx, region, p)
	if err != nil {
		t.Fatal(err)
	}
	raw := rawActivity(t, db, region, p)
	rawC := rawServices(t, db, region, p, "commissioner_id")
	// Listed: every commissioner based under region, and every other with
	// figures other than distinct items there.
	var home []string
	lo, hi := models.PrefixRange(region)
	must(t, db.Raw("SELECT id FROM commissioners WHERE deleted_at IS NULL AND region_code >= ? AND region_code < ?", lo, hi).Scan(&home).Error)
	want := map[string]bool{}
	for _, id := range home {
		want[id] = true
	}
	for id, f := range rawC {
		f.Technologies, f.Varieties = 0, 0
		if f != (models.ServiceFigures{}) {
			want[id] = true
		}
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Key)
		r := raw[e.Key]
		if r == nil {
			r = &rawField{}
		}
		if e.LastVisit != r.lastVisit || e.LastTraining != r.lastTraining {
			t.Errorf("%s: latest days of %s: kept %q %q, raw %q %q", what, e.Key, e.LastVisit, e.LastTraining, r.lastVisit, r.lastTraining)
		}
	}
	var wantIDs []string
	for id := range want {
		wantIDs = append(wantIDs, id)
	}
	slices.Sort(got)
	slices.Sort(wantIDs)
	if !slices.Equal(got, wantIDs) {
		t.Errorf("%s: listed %v, raw %v", what, got, wantIDs)
	}
	for _, listed := range []int{len(entries), 1 << 20} {
		figs, acts, err := db.ActivityOf(ctx, region, p, entries, listed)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			r, a := raw[e.Key], acts[e.Key]
			if r == nil {
				r = &rawField{}
			}
			if a == nil || a.LastVisit != r.lastVisit || a.LastTraining != r.lastTraining || !a.LastSync.Equal(r.lastSync) || a.FlaggedVisits != r.flagged {
				t.Errorf("%s (of %d): field activity of %s: kept %+v, raw %+v", what, listed, e.Key, a, r)
			}
			w := rawC[e.Key]
			w.Technologies, w.Varieties = 0, 0
			if figs[e.Key] != w {
				t.Errorf("%s (of %d): figures of %s: kept %+v, raw %+v", what, listed, e.Key, figs[e.Key], w)
			}
		}
	}
}
