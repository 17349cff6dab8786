// Package models owns tepai's database: GORM models, queries scoped by owner
// and region, and the versioned schema migrations.
package models

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/go-sql-driver/mysql"
	"github.com/google/uuid"
	gormmysql "gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Now is the database clock: UTC, to the millisecond, so that stored times
// compare the same way on SQLite and MySQL.
func Now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// DB is tepai's database handle.
type DB struct {
	*gorm.DB
	// Dialect is "sqlite" or "mysql".
	Dialect string
	// Log receives what the database does on its own (a migration's
	// repairs); slog's default logger when nil.
	Log *slog.Logger
	// Engine is the server behind the dialect: "sqlite", "mysql" (MySQL
	// or MariaDB), "galera" (MariaDB with wsrep_on) or "tidb".
	Engine  string
	retries atomic.Int64
	// tail lets one of this process's transactions at a time hold the
	// head of the change log, from raising it to the commit (see
	// txRetrying).
	tail     chan struct{}
	tailOnce sync.Once
	// principals keeps the callers of requests (see principals.go).
	principals principalCache
}

// TxRetries counts the transactions and statements run again after the
// engine gave up on them (see Retryable).
func (db *DB) TxRetries() int64 { return db.retries.Load() }

// newDB wraps an open connection.
func newDB(gdb *gorm.DB, dialect, engine string) *DB {
	db := &DB{DB: gdb, Dialect: dialect, Engine: engine}
	db.watchPrincipalTables()
	return db
}

// Open connects to MySQL when mysqlDSN is set, else to the SQLite database
// in dataDir (created when missing).
func Open(mysqlDSN, dataDir string) (*DB, error) {
	cfg := &gorm.Config{
		NowFunc:                                  Now,
		Logger:                                   logger.Discard,
		TranslateError:                           true,
		DisableForeignKeyConstraintWhenMigrating: true,
	}
	if mysqlDSN != "" {
		mc, err := mysql.ParseDSN(mysqlDSN)
		if err != nil {
			return nil, fmt.Errorf("parse mysql dsn: %w", err)
		}
		mc.ParseTime = true
		mc.Loc = time.UTC
		if mc.Params == nil {
			mc.Params = map[string]string{}
		}
		mc.Params["time_zone"] = "'+00:00'"
		mc.Params["charset"] = "utf8mb4"
		mc.Collation = "utf8mb4_bin"
		mc.MultiStatements = false
		// Affected rows are counted as MySQL does by default: an upsert
		// that finds its row reports 2 (or 0), never 1 (see ClaimBlob).
		mc.ClientFoundRows = false
		// The driver quotes parameters into the statement itself (safe with
		// utf8mb4) instead of preparing, running and closing a statement
		// on the server for every query: one round trip instead of three.
		mc.InterpolateParams = true
		gdb, err := openMySQL(mc, cfg)
		if err != nil {
			return nil, err
		}
		engine := detectEngine(gdb)
		if _, set := mc.Params["wsrep_sync_wait"]; engine == "galera" && !set {
			// Read-your-writes across nodes (see galeraSyncWait).
			closeGorm(gdb)
			mc.Params["wsrep_sync_wait"] = galeraSyncWait
			if gdb, err = openMySQL(mc, cfg); err != nil {
				return nil, err
			}
		}
		sqlDB, err := gdb.DB()
		if err != nil {
			return nil, fmt.Errorf("mysql pool: %w", err)
		}
		sqlDB.SetMaxOpenConns(50)
		sqlDB.SetMaxIdleConns(25)
		sqlDB.SetConnMaxLifetime(30 * time.Minute)
		return newDB(gdb, "mysql", engine), nil
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	path := filepath.Join(dataDir, "tepai.db")
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate"
	// Switching a new file to WAL needs it alone for a moment: another
	// tepai opening it at that instant waits and tries again.
	var gdb *gorm.DB
	var err error
	for deadline := time.Now().Add(10 * time.Second); ; {
		gdb, err = gorm.Open(sqlite.Open(dsn), cfg)
		if err == nil || !strings.Contains(err.Error(), "SQLITE_BUSY") || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Duration(20+rand.IntN(80)) * time.Millisecond)
	}
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, fmt.Errorf("sqlite pool: %w", err)
	}
	// SQLite has one writer; a small pool avoids lock storms.
	sqlDB.SetMaxOpenConns(4)
	return newDB(gdb, "sqlite", "sqlite"), nil
}

// openMySQL connects with READ COMMITTED isolation: the statistics
// aggregates are upserted by many concurrent writers, and REPEATABLE READ's
// gap locks would make writers of unrelated villages wait for each other.
// MySQL and MariaDB 11.1+ name the variable transaction_isolation, older
// MariaDB tx_isolation; the first the server accepts is kept.
func openMySQL(mc *mysql.Config, cfg *gorm.Config) (*gorm.DB, error) {
	var lastErr error
	for _, name := range []string{"transaction_isolation", "tx_isolation"} {
		c := mc.Clone()
		c.Params[name] = "'READ-COMMITTED'"
		gdb, err := gorm.Open(gormmysql.Open(c.FormatDSN()), cfg)
		if err == nil {
			return gdb, nil
		}
		lastErr = err
		if !strings.Contains(err.Error(), "Unknown system variable") {
			break
		}
	}
	return nil, fmt.Errorf("open mysql: %w", lastErr)
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return sqlDB.PingContext(ctx)
}

// Close closes the pool.
func (db *DB) Close() error {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// txAttempts bounds how often Tx runs fn when the engine keeps giving up
// on it. On a Galera cluster with writers on several nodes, a commit on
// one node aborts the transaction another node has between raising the
// head of the change log and its commit (see txRetrying): under a steady
// stream of writers on two nodes, about one attempt in two at worst, so
// a transaction fails for good with a chance of about 2^-txAttempts. 24
// makes that once in millions of transactions; the pauses between
// attempts stay short (at most 320 ms each, see again), and a pause is
// only taken by a transaction that was aborted.
const txAttempts = 24

// Tx runs fn in a transaction. Concurrent writers of the same aggregate
// rows can deadlock in InnoDB however they order their writes (two
// INSERT ... ON DUPLICATE KEY UPDATE waiting on a new key both hold the
// shared lock of the duplicate check); MySQL then rolls the victim back
// whole, and a cluster gives up on a transaction for reasons of its own
// (see Retryable), so Tx runs fn again after a short random pause, up to
// txAttempts times in all. fn must be safe to run again: it starts from what the
// database holds, not from what an earlier attempt left in memory.
func (db *DB) Tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return db.txRetrying(ctx, fn, Retryable)
}

// txRetrying runs fn in a transaction, again while it fails with an error
// that retry accepts and attempts remain.
//
// A transaction that logged changes raises the head of the change log as
// its last statement, and holds that row's lock until its commit (see
// synclog.go): every writer of the process queues there. The queue is kept
// in the process (tail), not in the engine: on a Galera cluster, a write
// set from another node that changed the head aborts every local
// transaction holding or waiting for that row's lock, so a queue of local
// writers waiting in InnoDB was lost whole at each commit on the other
// node, over and over, until some ran out of attempts (500s under a
// replica pair's load). Queued here, at most one transaction per process
// holds or waits for the row on Galera, and only that one can be aborted.
// On one server the order and the work are the same as in the engine's
// queue.
//
// Elsewhere (one MySQL or MariaDB server, TiDB) a transaction leaves the
// process's queue once its change-log rows are written, before its
// commit, not after the commit has returned: the row's lock alone keeps
// the order (the next writer's raise waits for it in the engine), so the
// next writer of the process can be waiting there, ready, when the commit
// releases it. Held to the commit's return, the queue kept the next
// writer from even sending its raise until the previous commit's answer
// had come back and both goroutines had had their turn on the CPU: on a
// busy server, several scheduling delays per write in the one section
// every write of the process passes through one at a time (under a
// 200-phone start every connection of the pool sat in that queue, and
// reads waited for a connection behind them). On Galera the release
// waits for the commit as before, which keeps a commit through another
// node to aborting one local writer, not two.
func (db *DB) txRetrying(ctx context.Context, fn func(tx *gorm.DB) error, retry func(error) bool) error {
	return db.again(ctx, retry, func() error {
		pctx, log := withPendingLog(ctx)
		held := false
		defer func() {
			if held {
				db.releaseTail()
			}
		}()
		defer func() {
			// Committed or not, principals read meanwhile may be stale.
			if log.principals {
				db.principals.forget()
			}
		}()
		return db.WithContext(pctx).Transaction(func(tx *gorm.DB) error {
			if err := fn(tx); err != nil {
				return err
			}
			if len(log.rows) > 0 {
				if err := db.takeTail(ctx); err != nil {
					return err
				}
				held = true
			}
			// Last, so that the head of the change log stays locked only
			// from here to the commit (see synclog.go).
			err := writeChangeLog(tx, log.rows)
			if held && db.Engine != "galera" {
				db.releaseTail()
				held = false
			}
			return err
		})
	})
}

// takeTail waits until no other transaction of this process is between
// raising the head of the change log and its commit, or ctx ends.
func (db *DB) takeTail(ctx context.Context) error {
	db.tailOnce.Do(func() { db.tail = make(chan struct{}, 1) })
	select {
	case db.tail <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (db *DB) releaseTail() { <-db.tail }

// Again runs fn, a statement on its own (MySQL rolls back a statement that
// deadlocks, and nothing else), again after a short random pause while it
// fails with an error Retryable accepts, up to txAttempts times in all.
func (db *DB) Again(ctx context.Context, fn func() error) error {
	return db.again(ctx, Retryable, fn)
}

func (db *DB) again(ctx context.Context, retry func(error) bool, fn func() error) error {
	var err error
	for attempt := range txAttempts {
		if attempt > 0 {
			db.retries.Add(1)
			pause := time.Duration(1+rand.IntN(10<<min(attempt, 5))) * time.Millisecond
			select {
			case <-ctx.Done():
				return err
			case <-time.After(pause):
			}
		}
		err = fn()
		if err == nil || !retry(err) {
			return err
		}
	}
	return err
}

// IsDeadlock reports whether err is MySQL's deadlock (1213): the whole
// transaction was rolled back and may be run again.
func IsDeadlock(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && me.Number == 1213
}

// IsDuplicate reports whether err is a unique-key violation.
func IsDuplicate(err error) bool {
	return errors.Is(err, gorm.ErrDuplicatedKey)
}

// PrefixRange returns the half-open range [lo, hi) of codes that start with
// prefix, so that a subtree query can use an index on both dialects:
// "code >= lo AND code < hi".
func PrefixRange(prefix string) (lo, hi string) {
	if prefix == "" {
		return "", "\xff"
	}
	b := []byte(prefix)
	b[len(b)-1]++
	return prefix, string(b)
}

// InRegion adds "col is inside the region subtree prefix" to q.
func InRegion(q *gorm.DB, col, prefix string) *gorm.DB {
	if prefix == "" {
		return q
	}
	lo, hi := PrefixRange(prefix)
	return q.Where(col+" >= ? AND "+col+" < ?", lo, hi)
}

// NewID returns a new random record id (UUID v4).
func NewID() string { return uuid.NewString() }
