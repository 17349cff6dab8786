package models_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// The engines' errors that mean "run the transaction again", and some
// that do not.
func TestRetryableKnowsEachEngine(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{&mysql.MySQLError{Number: 1213, Message: "Deadlock found when trying to get lock; try restarting transaction"}, true},
		{&mysql.MySQLError{Number: 1205, Message: "Lock wait timeout exceeded; try restarting transaction"}, true},
		{&mysql.MySQLError{Number: 1047, Message: "WSREP has not yet prepared node for application use"}, true},
		{&mysql.MySQLError{Number: 8002, Message: "can not retry select for update statement"}, true},
		{&mysql.MySQLError{Number: 8022, Message: "Error: KV error safe to retry"}, true},
		{&mysql.MySQLError{Number: 8028, Message: "Information schema is changed during the execution of the statement"}, true},
		{&mysql.MySQLError{Number: 9007, Message: "Write conflict, txnStartTS=1, conflictStartTS=2"}, true},
		{fmt.Errorf("write stats: %w", &mysql.MySQLError{Number: 1105, Message: "pessimistic lock retry limit reached"}), true},
		{&mysql.MySQLError{Number: 1105, Message: "unknown error"}, false},
		{&mysql.MySQLError{Number: 1062, Message: "Duplicate entry '1' for key 'PRIMARY'"}, false},
		{&mysql.MySQLError{Number: 1064, Message: "You have an error in your SQL syntax"}, false},
		{errors.New("deadlock"), false},
		{nil, false},
	}
	for _, c := range cases {
		if got := models.Retryable(c.err); got != c.want {
			t.Errorf("Retryable(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

// On a Galera cluster two transactions on two nodes change the same row
// without waiting for each other; the one that commits second fails
// certification (1213) and Tx runs it again: both increments land.
func TestTxRunsACertificationFailureAgain(t *testing.T) {
	_, nodes := galeraNodes(t, "the second node's transaction would wait for the lock")
	if err := nodes[0].Exec("CREATE TABLE cert_probe (id INT PRIMARY KEY, n INT NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}
	if err := nodes[0].Exec("INSERT INTO cert_probe (id, n) VALUES (1, 0)").Error; err != nil {
		t.Fatal(err)
	}
	var once [2]sync.Once
	wrote := [2]chan struct{}{make(chan struct{}), make(chan struct{})}
	errs := make(chan error, 2)
	for me := range 2 {
		go func() {
			errs <- nodes[me].Tx(context.Background(), func(tx *gorm.DB) error {
				if err := tx.Exec("UPDATE cert_probe SET n = n + 1 WHERE id = 1").Error; err != nil {
					return err
				}
				once[me].Do(func() { close(wrote[me]) })
				select {
				case <-wrote[1-me]:
				case <-time.After(10 * time.Second):
					return errors.New("the other node never wrote")
				}
				return nil
			})
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("a transaction failed: %v", err)
		}
	}
	var n int
	if err := nodes[0].Raw("SELECT n FROM cert_probe WHERE id = 1").Row().Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("n = %d after two increments, want 2", n)
	}
	if got := nodes[0].TxRetries() + nodes[1].TxRetries(); got < 1 {
		t.Fatalf("no transaction was run again (%d)", got)
	}
}

// galeraNodes opens a test database on a Galera cluster and the same
// database through a second node; it skips the test elsewhere, saying why
// a plain server would not show what the test looks for.
func galeraNodes(t *testing.T, why string) (*testenv.Env, []*models.DB) {
	t.Helper()
	if os.Getenv("TEPAI_TEST_MYSQL_DSN2") == "" {
		t.Skip("needs a second cluster node (TEPAI_TEST_MYSQL_DSN2)")
	}
	env := testenv.New(t, "mysql")
	var wsrep string
	env.DB().Raw("SELECT @@global.wsrep_on").Row().Scan(&wsrep)
	if wsrep != "1" && wsrep != "ON" {
		t.Skip("not a Galera cluster: " + why)
	}
	return env, []*models.DB{env.DB(), env.OtherNode()}
}
