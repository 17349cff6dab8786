package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// The change log's order is assigned at commit, so that a pull can read
// "seq > cursor" and never skip a change, on a single MySQL or MariaDB
// server, on a Galera cluster and on TiDB alike.
//
// An auto-increment seq would be assigned when a transaction inserts its
// row, while transactions commit in any order: a reader could see seq 11
// while seq 10 is still uncommitted, and a rolled-back transaction would
// leave 10 missing for ever. Telling the two apart needs a look at other
// transactions' uncommitted rows, which TiDB refuses (no READ UNCOMMITTED)
// and Galera cannot give (another node's open transaction is invisible),
// and Galera's auto_increment_increment leaves two seqs in three missing.
//
// Instead, sync_state's single row holds the head of the log: the last
// seq handed out. A transaction that wrote changes takes its seqs as its
// very last statements before the commit: it raises the head by the
// number of its change rows (which locks the row until the commit) and
// inserts the rows with the seqs just below the new head. So:
//
//   - seqs are handed out in commit order: the next writer reads the head
//     only once the previous one has committed (or rolled back, which
//     undoes its raise: the log has no gaps at all);
//   - every seq up to the committed head is committed, so the head is the
//     watermark a pull reads up to, one row read whatever the history's
//     length, with no grace period and no wait for a late commit;
//   - on Galera two nodes raising the head at once conflict at
//     certification, and the loser is run again by the retry policy
//     (see Retryable); each process queues its own writers for the head,
//     so that a commit on another node aborts one of them, not all (see
//     txRetrying); on TiDB the pessimistic lock queues them.
//
// The cost is that commits of writing transactions are serialised on that
// row for the few milliseconds between the raise and the commit; the rest
// of the transaction (records, audit, statistics) runs concurrently. The
// rows are held back to the end only by transactions run through Tx (and
// PhotoTx); a transaction begun elsewhere takes its seqs where it records
// its changes, and keeps the head locked from then until it ends.

// pendingLog collects a transaction's change-log rows until its commit.
type pendingLog struct {
	rows []ChangeRow
	// principals is set when the transaction wrote a table principals
	// are read from (see principals.go).
	principals bool
}

type pendingLogKey struct{}

// withPendingLog returns a context under which RecordChanges holds the
// change-log rows back in the returned log, for writeChangeLog to insert
// just before the commit.
func withPendingLog(ctx context.Context) (context.Context, *pendingLog) {
	p := &pendingLog{}
	return context.WithValue(ctx, pendingLogKey{}, p), p
}

// logChanges inserts rows into the change log, or holds them back for the
// end of the transaction when tx runs under Tx.
func logChanges(tx *gorm.DB, rows []ChangeRow) error {
	if ctx := tx.Statement.Context; ctx != nil {
		if p, ok := ctx.Value(pendingLogKey{}).(*pendingLog); ok {
			p.rows = append(p.rows, rows...)
			return nil
		}
	}
	return writeChangeLog(tx, rows)
}

// writeChangeLog raises the head of the log by len(rows) and inserts the
// rows with the seqs it handed out, in order.
func writeChangeLog(tx *gorm.DB, rows []ChangeRow) error {
	if len(rows) == 0 {
		return nil
	}
	n := int64(len(rows))
	head, err := raiseHead(tx, n)
	if err != nil {
		return err
	}
	for i := range rows {
		rows[i].Seq = head - n + 1 + int64(i)
	}
	if err := tx.Create(&rows).Error; err != nil {
		return fmt.Errorf("write change log: %w", err)
	}
	return nil
}

// logTop is the highest seq in the change log. The head never starts below
// it: a database whose log was written before seqs were handed out at
// commit (or by a migration's repair before 0025 set the head) keeps its
// seqs, and new ones go above them. Once the head is set it is at least
// that high anyway (an index lookup, and a read that can only lag).
const logTop = "(SELECT COALESCE(MAX(seq), 0) FROM changes)"

// raiseHead raises the head of the log by n and returns the new head, in
// one statement: MySQL, MariaDB and TiDB hand the new value back as the
// statement's LAST_INSERT_ID(expr), SQLite with RETURNING.
func raiseHead(tx *gorm.DB, n int64) (int64, error) {
	var head int64
	if tx.Dialector.Name() == "sqlite" {
		var heads []int64
		err := tx.Raw("UPDATE sync_state SET watermark = MAX(watermark, "+logTop+") + ?, updated_at = ? WHERE id = 1 RETURNING watermark", n, Now()).
			Scan(&heads).Error
		if err != nil {
			return 0, fmt.Errorf("raise change log head: %w", err)
		}
		if len(heads) != 1 {
			return 0, fmt.Errorf("raise change log head: sync_state has no row")
		}
		return heads[0], nil
	}
	res := gorm.WithResult()
	err := tx.Clauses(res).Exec("UPDATE sync_state SET watermark = LAST_INSERT_ID(GREATEST(watermark, "+logTop+") + ?), updated_at = ? WHERE id = 1", n, Now()).Error
	if err != nil {
		return 0, fmt.Errorf("raise change log head: %w", err)
	}
	if res.RowsAffected != 1 || res.Result == nil {
		return 0, fmt.Errorf("raise change log head: sync_state has no row")
	}
	if head, err = res.Result.LastInsertId(); err != nil {
		return 0, fmt.Errorf("raise change log head: %w", err)
	}
	return head, nil
}

// Watermark returns the head of the change log: every seq up to it is
// committed, and a change committed later gets a higher seq.
func (db *DB) Watermark(ctx context.Context) (int64, error) {
	var w int64
	if err := db.WithContext(ctx).Table("sync_state").Where("id = 1").Pluck("watermark", &w).Error; err != nil {
		return 0, fmt.Errorf("read watermark: %w", err)
	}
	return w, nil
}
