package handlers

import (
	"context"
	"sync"

	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// Writes that arrive while others are being written share one
// transaction: the creates of single records (POST of a visit, a
// household, ...) and the batched writes of sync push segments. The first
// ones (up to maxInFlight) write alone at once; those arriving meanwhile
// queue, and when a transaction commits the first of them writes the queue
// in one transaction (one multi-row INSERT per type, one of audit entries,
// one statistics upsert per table, one raise of the change log's head, one
// commit). A request is answered only once its own transaction has
// committed, so every write is as durable as before.
//
// Measured (BenchmarkRecordCPU, BenchmarkWriteConcurrency): one POST
// costs 13 statements and a commit (TestPostOfAVisitStatements), a
// record of a 50-record push a fiftieth of that; under concurrency the
// transactions were what queued writers (on the change log's head row
// between its raise and the commit, and on the CPU the statements take),
// so throughput fell and p99 grew with concurrency. Grouping makes a busy server write many records per
// transaction and an idle one exactly as before: a request that finds no
// write in flight never waits.
//
// Pushes share for the same reason. Most of a push's database time is per
// transaction rather than per record: the statistics rows of its
// villages' days and their ancestors (about 215 stat_items rows for 50
// visits of one township over three days, whatever the count of visits),
// the change log's head and the commit. Pushes of 150 visits stored
// 5,697–6,564 rec/s against 3,037–3,459 for pushes of 50 from the same
// 8 clients (BenchmarkWriteConcurrency, MariaDB); pushes in flight at
// once from one township share nearly all of those rows.
//
// When a shared transaction fails (a concurrent request created the same
// id, a record it names was deleted or changed meanwhile), it is rolled
// back whole and each of its jobs is written again alone, by its own
// request, so that one request never fails another: each then answers
// exactly as it would have alone.

// maxGroup bounds the jobs written in one shared transaction and
// maxGroupWrites their writes (a push's most, so that no transaction is
// larger than one push may make); maxInFlight is how many such
// transactions run at once, so that one builds while another waits for its
// commit to reach the disk (against one at a time, interleaved runs of
// BenchmarkWriteConcurrency on this two-core machine differed by less than
// their noise).
const (
	maxGroup       = 64
	maxGroupWrites = MaxPushChanges
	maxInFlight    = 2
)

// groupCommit queues the jobs that arrive while maxInFlight shared
// transactions are in flight.
type groupCommit struct {
	mu       sync.Mutex
	inFlight int
	queue    []*groupJob
}

// groupJob is one request's writes waiting for a shared transaction: a
// single create, or the batched writes of a push segment.
type groupJob struct {
	ctx    context.Context
	c      call
	writes []pendingWrite
	// receipt is set when the job is the push's first segment that
	// writes: its transaction writes the push's receipt.
	receipt bool
	// wake is closed when the job's transaction has ended, or when the job
	// is to lead the next one (lead, with batch set).
	wake  chan struct{}
	lead  bool
	batch []*groupJob
	// err is the outcome of the shared transaction; alone asks the request
	// to write again on its own after a shared transaction failed.
	err   error
	alone bool
}

// flush writes the pending writes of a push segment (or a request's
// single create), and a push's receipt with its first segment that
// writes, sharing a transaction with the writes of other requests in
// flight; it returns once they are committed.
func (r *Records) flush(ctx context.Context, c call, writes []pendingWrite) error {
	j := &groupJob{ctx: ctx, c: c, writes: writes, receipt: c.receipt != nil && c.receipt.ID == 0}
	if r.enqueue(j); j.alone {
		return r.writeTx(ctx, j)
	}
	return j.err
}

// enqueue runs j: at once, leading a transaction of its own, when fewer
// than maxInFlight are in flight; else once a transaction ends and hands
// it the queue, or its leader has written it.
func (r *Records) enqueue(j *groupJob) {
	j.wake = make(chan struct{})
	g := &r.group
	g.mu.Lock()
	if g.inFlight >= maxInFlight {
		g.queue = append(g.queue, j)
		g.mu.Unlock()
		<-j.wake
	} else {
		g.inFlight++
		g.mu.Unlock()
		j.lead, j.batch = true, []*groupJob{j}
	}
	if j.lead {
		r.lead(j)
	}
}

// next takes from the queue the jobs of the next shared transaction: up
// to maxGroup jobs and maxGroupWrites writes, and always the first job.
func (g *groupCommit) next() []*groupJob {
	n, writes := 0, 0
	for n < len(g.queue) && n < maxGroup {
		w := len(g.queue[n].writes)
		if n > 0 && writes+w > maxGroupWrites {
			break
		}
		n, writes = n+1, writes+w
	}
	next := g.queue[:n:n]
	g.queue = g.queue[n:]
	if len(g.queue) == 0 {
		g.queue = nil
	}
	return next
}

// lead writes the jobs of j's batch, then hands the queue to its first
// job to write next and wakes the batch's other jobs, whatever happens: a
// panic writing the batch leaves its jobs to be written alone.
func (r *Records) lead(j *groupJob) {
	g := &r.group
	defer func() {
		p := recover()
		if p != nil {
			for _, o := range j.batch {
				o.alone = true
			}
		}
		g.mu.Lock()
		next := g.next()
		if len(next) == 0 {
			g.inFlight--
		}
		g.mu.Unlock()
		if len(next) > 0 {
			next[0].lead, next[0].batch = true, next
			close(next[0].wake)
		}
		for _, o := range j.batch[1:] {
			close(o.wake)
		}
		if p != nil {
			panic(p)
		}
	}()
	r.runGroup(j.batch)
}

// runGroup writes jobs: one alone exactly as it always was; more in one
// transaction, each written again alone when that fails.
func (r *Records) runGroup(jobs []*groupJob) {
	if len(jobs) == 1 {
		j := jobs[0]
		j.err = r.writeTx(j.ctx, j)
		return
	}
	// The shared transaction outlives no request of its own: it runs to
	// its end even when the request leading it is cancelled, as the others
	// wait for it; and it reads through no request's cache (a push's
	// records loaded up front), each job's own being its alone.
	ctx := models.WithReadCache(context.WithoutCancel(jobs[0].ctx), nil)
	err := r.db.Tx(ctx, func(tx *gorm.DB) error { return r.writeJobs(tx, jobs) })
	if err != nil {
		for _, j := range jobs {
			j.alone = true
			if j.receipt {
				j.c.receipt.ID = 0 // rolled back with the transaction
			}
		}
	}
}

// writeTx writes the job j of a push segment in a transaction of its own.
func (r *Records) writeTx(ctx context.Context, j *groupJob) error {
	return r.db.Tx(ctx, func(tx *gorm.DB) error { return r.writeJobs(tx, []*groupJob{j}) })
}

// writeJobs writes the jobs' writes in tx: the visits' evidence flags,
// the creates' parents locked, one multi-row INSERT per type, the updates,
// the photo flags the updates move, the receipts, and then the audit
// entries, change log and statistics of all of them.
func (r *Records) writeJobs(tx *gorm.DB, jobs []*groupJob) error {
	var writes []pendingWrite
	var afters []models.Record
	for _, j := range jobs {
		for _, w := range j.writes {
			writes, afters = append(writes, w), append(afters, w.after)
		}
	}
	if err := flagVisits(tx, afters); err != nil {
		return err
	}
	for _, j := range jobs {
		if j.c.skewed {
			flagSkewed(j.writes)
		}
	}
	if err := lockParents(tx, writes); err != nil {
		return err
	}
	if err := insertCreates(tx, writes); err != nil {
		return err
	}
	changes := make([]models.Change, 0, len(writes))
	for _, j := range jobs {
		// The job's read cache (a push's records loaded up front), not its
		// cancellation: the transaction is shared.
		ctx := context.WithoutCancel(j.ctx)
		for _, w := range j.writes {
			if w.action != models.ActionCreate {
				if err := w.op(tx); err != nil {
					return err
				}
			}
			ch, err := r.changeOf(ctx, tx, j.c, w.sp, w.action, w.before, w.after)
			if err != nil {
				return err
			}
			changes = append(changes, ch)
		}
	}
	for _, w := range writes {
		if err := refreshPhotoFlags(tx, w.before, w.after); err != nil {
			return err
		}
	}
	for _, j := range jobs {
		if j.receipt {
			j.c.receipt.ID = 0 // an attempt rolled back may have set it
			if err := tx.Create(j.c.receipt).Error; err != nil {
				return err
			}
		}
	}
	// Last: the statistics upserts lock rows that every writer of the
	// county's day shares, held until the commit that follows.
	return models.RecordChanges(tx, changes)
}

// writeAlone writes w for c in a transaction of its own.
func (r *Records) writeAlone(ctx context.Context, c call, w pendingWrite) error {
	return r.writeTx(ctx, &groupJob{ctx: ctx, c: c, writes: []pendingWrite{w}})
}
