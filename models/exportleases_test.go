package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// An export that stalled past its lease loses its slot to the next export
// of the same user: its next renewal says so, and the user still holds no
// more than ExportsPerUser slots. A stalled export whose slot nobody took
// takes it back and goes on.
func TestRenewAfterTheLeaseLapsed(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		ctx := context.Background()
		db := env.DB()
		u := env.NewUser(models.RoleBureau, "330824")
		held := make([]*models.ExportLease, models.ExportsPerUser)
		for i := range held {
			l, err := db.TakeExportSlot(ctx, u.User.ID)
			if err != nil || l == nil {
				t.Fatalf("slot %d: %v, %v", i, l, err)
			}
			held[i] = l
		}
		lapse := func() {
			t.Helper()
			err := db.Exec("UPDATE export_leases SET held_until = ? WHERE user_id = ? AND holder <> ''",
				models.Now().Add(-time.Second), u.User.ID).Error
			if err != nil {
				t.Fatal(err)
			}
		}

		// Both leases lapse; a new export takes one slot over.
		lapse()
		taker, err := db.TakeExportSlot(ctx, u.User.ID)
		if err != nil || taker == nil {
			t.Fatalf("take over a lapsed slot: %v, %v", taker, err)
		}
		lost, kept := 0, 0
		for _, l := range held {
			l.Stall(models.ExportLeaseTime)
			switch err := l.Renew(ctx); {
			case errors.Is(err, models.ErrExportSlotLost):
				lost++
			case err == nil:
				kept++
			default:
				t.Fatal(err)
			}
		}
		if lost != 1 || kept != 1 {
			t.Fatalf("renewals after one slot was taken over: %d lost, %d kept; want 1 and 1", lost, kept)
		}
		if extra, err := db.TakeExportSlot(ctx, u.User.ID); err != nil || extra != nil {
			t.Fatalf("a third slot while two exports hold theirs: %v, %v", extra, err)
		}
		var holders int64
		db.Table("export_leases").Where("user_id = ? AND holder <> ''", u.User.ID).Count(&holders)
		if holders != int64(models.ExportsPerUser) {
			t.Fatalf("%d slots held, want %d", holders, models.ExportsPerUser)
		}
	})
}
