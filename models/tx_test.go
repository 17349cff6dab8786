package models_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"gorm.io/gorm"
)

// Two transactions take two rows in opposite orders, each waiting until
// the other holds its first row: MySQL must pick one as a deadlock victim
// and roll it back. Tx runs the victim again, so both commit, and each row
// shows both increments exactly once.
func TestTxRunsADeadlockVictimAgain(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		if env.Backend != "mysql" {
			t.Skip("SQLite runs one writer at a time: no deadlock to recover from")
		}
		db := env.DB()
		if err := db.Exec("CREATE TABLE tx_probe (id INT PRIMARY KEY, n INT NOT NULL)").Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Exec("INSERT INTO tx_probe (id, n) VALUES (1, 0), (2, 0)").Error; err != nil {
			t.Fatal(err)
		}
		var once [2]sync.Once
		holds := [2]chan struct{}{make(chan struct{}), make(chan struct{})}
		var mu sync.Mutex
		runs := [2]int{}
		work := func(me int) error {
			first, second := 1+me, 2-me
			return db.Tx(context.Background(), func(tx *gorm.DB) error {
				mu.Lock()
				runs[me]++
				mu.Unlock()
				if err := tx.Exec("UPDATE tx_probe SET n = n + 1 WHERE id = ?", first).Error; err != nil {
					return err
				}
				once[me].Do(func() { close(holds[me]) })
				select {
				case <-holds[1-me]:
				case <-time.After(10 * time.Second):
					return errors.New("the other transaction never took its first row")
				}
				return tx.Exec("UPDATE tx_probe SET n = n + 10 WHERE id = ?", second).Error
			})
		}
		retriesBefore := db.TxRetries()
		errs := make(chan error, 2)
		for me := range 2 {
			go func() { errs <- work(me) }()
		}
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatalf("a transaction failed: %v", err)
			}
		}
		var rows []struct{ ID, N int }
		if err := db.Raw("SELECT id, n FROM tx_probe ORDER BY id").Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		// Each row got +1 from the transaction that took it first and +10
		// from the other one: 11 each, whichever was the victim.
		if len(rows) != 2 || rows[0].N != 11 || rows[1].N != 11 {
			t.Fatalf("rows after both transactions: %+v, want n = 11 on both", rows)
		}
		if runs[0]+runs[1] != 3 {
			t.Fatalf("transaction bodies ran %v times, want one of them twice", runs)
		}
		if got := db.TxRetries() - retriesBefore; got != 1 {
			t.Fatalf("TxRetries grew by %d, want 1", got)
		}
	})
}
