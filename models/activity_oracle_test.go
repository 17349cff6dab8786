package models_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
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

// TestLatestDaysOfOneTransaction records, each in one transaction of
// several changes as a batched push does: a visit created and moved a day
// earlier; a visit created and deleted; and a training created, then
// edited without moving. The latest days are those of the records as the
// transaction leaves them: the visit's new day (not the one it was
// created on), nothing of the deleted one, the training's day.
func TestLatestDaysOfOneTransaction(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		ctx := context.Background()
		db := env.DB()
		c := env.NewUser(models.RoleCommissioner, "330824115").Commissioner
		at := func(day string) time.Time {
			d, _ := time.ParseInLocation(time.DateOnly, day, cst)
			return d.Add(9 * time.Hour).UTC()
		}
		visit := func(day string) *models.Visit {
			return &models.Visit{Meta: models.Meta{ID: models.NewID(), CommissionerID: c.ID, Version: 1}, VillageCode: "330824115200",
				StartedAt: at(day), EndedAt: at(day).Add(time.Hour), VisitDate: day, ReceivedAt: models.Now()}
		}
		change := func(action string, before, after any) models.Change {
			rec := after
			if rec == nil {
				rec = before
			}
			var id string
			switch r := rec.(type) {
			case *models.Visit:
				id = r.ID
			case *models.Training:
				id = r.ID
			}
			typ := "visit"
			if _, ok := rec.(*models.Training); ok {
				typ = "training"
			}
			return models.Change{Type: typ, ID: id, Action: action, CommissionerID: c.ID, RegionCode: "330824115200", Before: before, After: after}
		}
		moved, gone := visit("2025-03-10"), visit("2025-04-01")
		tr := &models.Training{Meta: models.Meta{ID: models.NewID(), CommissionerID: c.ID, Version: 1}, RegionCode: "330824115",
			Title: "培训", HeldAt: at("2025-02-01"), HeldDate: "2025-02-01", Attendees: 10}
		var created models.Visit
		err := db.Tx(ctx, func(tx *gorm.DB) error {
			first := *moved
			if err := tx.Create(moved).Error; err != nil {
				return err
			}
			moved.StartedAt, moved.EndedAt, moved.VisitDate, moved.Version = at("2025-03-02"), at("2025-03-02").Add(time.Hour), "2025-03-02", 2
			if err := tx.Save(moved).Error; err != nil {
				return err
			}
			if err := tx.Create(gone).Error; err != nil {
				return err
			}
			created = *gone
			if err := tx.Delete(gone).Error; err != nil {
				return err
			}
			if err := tx.Create(tr).Error; err != nil {
				return err
			}
			edited := *tr
			edited.Attendees, edited.Version = 12, 2
			if err := tx.Save(&edited).Error; err != nil {
				return err
			}
			return models.RecordChanges(tx, []models.Change{
				change(models.ActionCreate, nil, &first), change(models.ActionUpdate, &first, moved),
				change(models.ActionCreate, nil, &created), change(models.ActionDelete, &created, nil),
				change(models.ActionCreate, nil, tr), change(models.ActionUpdate, tr, &edited),
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, region := range []string{"33", "330824", "330824115", "330824115200"} {
			entries, err := db.ActivityRoster(ctx, region, models.YearPeriod(2025))
			if err != nil {
				t.Fatal(err)
			}
			var got *models.ActivityEntry
			for i := range entries {
				if entries[i].Key == c.ID {
					got = &entries[i]
				}
			}
			wantTraining := "2025-02-01"
			if region == "330824115200" {
				wantTraining = "" // the training is the township's
			}
			if got == nil || got.LastVisit != "2025-03-02" || got.LastTraining != wantTraining {
				t.Errorf("%s: %+v, want last visit 2025-03-02 and last training %q", region, got, wantTraining)
			}
			checkActivity(t, db, region, models.YearPeriod(2025))
		}
		checkRebuild(t, db)
	})
}
