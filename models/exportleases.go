package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// ExportsPerUser is how many exports one user may run at once. An export
// holds no database connection between its pages, so the bound is one of
// fairness (a user's exports share the server's CPU and bandwidth with
// everyone else's), not a guard against a pool running dry.
const ExportsPerUser = 2

// ExportLeaseTime is how long an export's slot holds unless renewed; a
// replica that dies mid-export frees its slots after at most this long.
const ExportLeaseTime = 2 * time.Minute

// ExportLease is a slot an export holds among its user's ExportsPerUser.
type ExportLease struct {
	db      *DB
	userID  string
	slot    int
	holder  string
	renewed time.Time
}

// TakeExportSlot takes one of the user's export slots: a free one, or one
// whose lease has lapsed. It returns nil when every slot is held. The
// slots are rows in the database, so the bound holds across replicas.
func (db *DB) TakeExportSlot(ctx context.Context, userID string) (*ExportLease, error) {
	insert := "INSERT OR IGNORE INTO export_leases (user_id, slot, holder) VALUES (?, ?, '')"
	if db.Dialect == "mysql" {
		insert = "INSERT IGNORE INTO export_leases (user_id, slot, holder) VALUES (?, ?, '')"
	}
	l := &ExportLease{db: db, userID: userID, holder: uuid.NewString()}
	for l.slot = range ExportsPerUser {
		if err := db.WithContext(ctx).Exec(insert, userID, l.slot).Error; err != nil {
			return nil, fmt.Errorf("export slot row: %w", err)
		}
		now := Now()
		res := db.WithContext(ctx).Table("export_leases").
			Where("user_id = ? AND slot = ? AND (holder = '' OR held_until < ?)", userID, l.slot, now).
			Updates(map[string]any{"holder": l.holder, "held_until": now.Add(ExportLeaseTime)})
		if res.Error != nil {
			return nil, fmt.Errorf("take export slot: %w", res.Error)
		}
		if res.RowsAffected == 1 {
			l.renewed = now
			return l, nil
		}
	}
	return nil, nil
}

// ErrExportSlotLost is Renew's answer when another export took the slot
// over after its lease lapsed: the export holding it must stop, or the
// user would run more exports at once than ExportsPerUser.
var ErrExportSlotLost = errors.New("the export's slot lapsed and another export took it")

// Renew extends the lease when a third of it has passed since it was
// last renewed; an export calls it between its pages. A lease that lapsed
// meanwhile (an export stalled for ExportLeaseTime) is taken back when its
// slot is still free, and ErrExportSlotLost when another export holds it.
func (l *ExportLease) Renew(ctx context.Context) error {
	now := Now()
	if now.Sub(l.renewed) < ExportLeaseTime/3 {
		return nil
	}
	res := l.db.WithContext(ctx).Table("export_leases").
		Where("user_id = ? AND slot = ? AND (holder = ? OR holder = '' OR held_until < ?)", l.userID, l.slot, l.holder, now).
		Updates(map[string]any{"holder": l.holder, "held_until": now.Add(ExportLeaseTime)})
	if res.Error != nil {
		return fmt.Errorf("renew export slot: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrExportSlotLost
	}
	l.renewed = now
	return nil
}

// Release frees the slot. It runs even when the request's context has
// ended (a client that hung up), with a short deadline of its own.
func (l *ExportLease) Release(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	err := l.db.WithContext(ctx).Exec("UPDATE export_leases SET holder = '', held_until = NULL WHERE user_id = ? AND slot = ? AND holder = ?",
		l.userID, l.slot, l.holder).Error
	if err != nil {
		return fmt.Errorf("release export slot: %w", err)
	}
	return nil
}
