package models

import (
	"errors"
	"strings"

	"github.com/go-sql-driver/mysql"
)

// Retryable reports whether err means the engine gave up on the
// transaction (or the statement) in a way that running it again from the
// start may cure, on any of the engines tepai runs on:
//
//   - MySQL and MariaDB: 1213, a deadlock victim rolled back whole; 1205,
//     a lock wait timed out (the caller rolls the rest back).
//   - MariaDB Galera: 1213 is also a certification failure (another node
//     committed a conflicting write first) or a brute-force abort by a
//     replicated write; 1047 is a node not (yet) synced with the cluster
//     ("WSREP has not yet prepared node for application use").
//   - TiDB: 8002 (SELECT FOR UPDATE in a conflicting optimistic
//     transaction), 8022 (a transaction retry failed: safe to retry), 8028
//     (the schema changed while the transaction ran), 9007 (write
//     conflict), and 1105 when its text is "pessimistic lock retry limit
//     reached" (many writers of one row).
//
// Every write path runs through Tx, PhotoTx or Again, which use it.
func Retryable(err error) bool {
	var me *mysql.MySQLError
	if !errors.As(err, &me) {
		return false
	}
	switch me.Number {
	case 1213, 1205, 1047, 8002, 8022, 8028, 9007:
		return true
	case 1105:
		return strings.Contains(me.Message, "pessimistic lock retry limit reached")
	}
	return false
}
