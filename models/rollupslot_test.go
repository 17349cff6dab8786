package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// TestRollupWritersDoNotWait holds one transaction that has written a
// visit open while a second one writes and commits another visit of the same
// commissioner, village and day, and checks that the second neither waits
// (its lock wait timeout is one second: a wait on a row the first holds
// fails it) nor double-counts: two visits, one visit day, at the village
// and every ancestor.
func TestRollupWritersDoNotWait(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		if env.Backend != "mysql" {
			t.Skip("SQLite has a single writer")
		}
		ctx := context.Background()
		db := env.DB()
		w := newWorld(env, 3)
		c := w.commissioners[0]
		day := time.Date(2024, 5, 6, 9, 0, 0, 0, cst)
		visit := func(at time.Time) *models.Visit {
			return &models.Visit{Meta: models.Meta{ID: models.NewID(), CommissionerID: c.ID, Version: 1}, VillageCode: "330824115200",
				StartedAt: at, EndedAt: at.Add(time.Hour), VisitDate: "2024-05-06", FarmersServed: 2, Technologies: []string{"测土配方"},
				ReceivedAt: models.Now()}
		}
		// A first visit of the day, committed: its key has a visit day.
		if err := testenv.WriteRecord(ctx, db, models.ActionCreate, nil, visit(day)); err != nil {
			t.Fatal(err)
		}
		write := func(tx *gorm.DB, v *models.Visit) error {
			if err := tx.Create(v).Error; err != nil {
				return err
			}
			return models.RecordChange(tx, models.Change{Type: "visit", ID: v.ID, Action: models.ActionCreate,
				CommissionerID: c.ID, RegionCode: v.VillageCode, After: v})
		}
		// The first writer's transaction stays open, its visit written,
		// while the second writes and commits. Both go through Tx, as every
		// write of the server does, so their change-log rows take their
		// seqs at commit.
		held, release, firstDone := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		go func() {
			firstDone <- db.Tx(ctx, func(tx *gorm.DB) error {
				if err := write(tx, visit(day.Add(time.Hour))); err != nil {
					return err
				}
				close(held)
				<-release
				return nil
			})
		}()
		select {
		case <-held:
		case err := <-firstDone:
			t.Fatalf("first writer: %v", err)
		}
		err := db.Tx(ctx, func(tx *gorm.DB) error {
			if err := tx.Exec("SET SESSION innodb_lock_wait_timeout = 1").Error; err != nil {
				return err
			}
			defer tx.Exec("SET SESSION innodb_lock_wait_timeout = DEFAULT")
			return write(tx, visit(day.Add(2*time.Hour)))
		})
		close(release)
		if err != nil {
			<-firstDone
			t.Fatalf("second writer: %v", err)
		}
		if err := <-firstDone; err != nil {
			t.Fatalf("first writer: %v", err)
		}
		for _, code := range []string{"33", "3308", "330824", "330824115", "330824115200"} {
			f, err := db.Services(ctx, code, models.Period{From: "2024-05-06", To: "2024-05-06"}, models.GroupByMonth)
			if err != nil {
				t.Fatal(err)
			}
			if f.Totals.Visits != 3 || f.Totals.VisitDays != 1 || f.Totals.FarmersServed != 6 || f.Totals.Technologies != 1 {
				t.Errorf("%s: got %+v, want 3 visits, 1 visit day, 6 farmers, 1 technology", code, f.Totals)
			}
		}
		checkRebuild(t, db)
	})
}
