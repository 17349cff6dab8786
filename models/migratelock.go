package models

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"time"
)

// Replicas starting together on a new database must not migrate it at the
// same time. MySQL's GET_LOCK would do on one server, but on Galera it
// holds on one node only, and TiDB's is per server too. The migration
// lease is a row instead, which every engine replicates and orders: the
// table schema_lease is created IF NOT EXISTS (concurrent creations are
// harmless), and a replica holds the lease while its row (id 1) names it
// and has not expired. It takes it with an INSERT (the primary key lets
// one replica in; on Galera the others fail certification or find the
// key taken) or, when the holder's lease ran out (it died mid-way), with
// a conditional UPDATE; it renews it while it migrates and deletes it
// when done.

// migrateLease is how long a lease lasts unless renewed; the holder
// renews it every third of that.
const migrateLease = 60 * time.Second

// migrateLockWait bounds how long Migrate waits for another replica's.
const migrateLockWait = 5 * time.Minute

const createLeaseTable = `CREATE TABLE IF NOT EXISTS schema_lease (
  id INTEGER NOT NULL PRIMARY KEY,
  holder VARCHAR(100) NOT NULL,
  expires_at DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`

// withMigrationLease runs fn while holding the migration lease.
func (db *DB) withMigrationLease(ctx context.Context, fn func() error) error {
	if err := db.WithContext(ctx).Exec(createLeaseTable).Error; err != nil {
		return fmt.Errorf("migrate: create the lease table: %w", err)
	}
	host, _ := os.Hostname()
	holder := fmt.Sprintf("%s/%d/%s", host, os.Getpid(), NewID())
	deadline := time.Now().Add(migrateLockWait)
	for pause := 20 * time.Millisecond; ; pause = min(2*pause, time.Second) {
		got, err := db.takeLease(ctx, holder)
		if err != nil {
			return fmt.Errorf("migrate: take the migration lease: %w", err)
		}
		if got {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("migrate: another tepai has held the migration lease for %s", migrateLockWait)
		}
		time.Sleep(pause/2 + rand.N(pause))
	}
	renewCtx, stop := context.WithCancel(ctx)
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(migrateLease / 3)
		defer t.Stop()
		for {
			select {
			case <-renewCtx.Done():
				return
			case <-t.C:
				db.WithContext(renewCtx).Exec("UPDATE schema_lease SET expires_at = ? WHERE id = 1 AND holder = ?",
					Now().Add(migrateLease), holder)
			}
		}
	}()
	err := fn()
	stop()
	<-renewed
	release := db.Again(ctx, func() error {
		return db.WithContext(ctx).Exec("DELETE FROM schema_lease WHERE id = 1 AND holder = ?", holder).Error
	})
	return errors.Join(err, release)
}

// takeLease tries once to take the lease for holder.
func (db *DB) takeLease(ctx context.Context, holder string) (bool, error) {
	q := db.WithContext(ctx)
	until := Now().Add(migrateLease)
	err := q.Exec("INSERT INTO schema_lease (id, holder, expires_at) VALUES (1, ?, ?)", holder, until).Error
	switch {
	case err == nil:
		return true, nil
	case !IsDuplicate(err) && !Retryable(err):
		return false, err
	}
	res := q.Exec("UPDATE schema_lease SET holder = ?, expires_at = ? WHERE id = 1 AND expires_at < ?", holder, until, Now())
	if res.Error != nil {
		if Retryable(res.Error) {
			return false, nil
		}
		return false, res.Error
	}
	return res.RowsAffected == 1, nil
}
