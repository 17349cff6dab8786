package handlers

import (
	"context"
	"sync"

	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// Creates of single records (POST of a visit, a household, ...) that
// arrive while others are being written share one transaction: the first
// ones (up to maxInFlight) write alone at once; those arriving meanwhile
// queue, and when a transaction commits the first of them writes the queue
// in one transaction (one multi-row INSERT per type, one of audit entries,
// one statistics upsert per table, one raise of the change log's head, one
// commit), as a sync push writes its batch. A request is answered only
// once its own transaction has committed, so every write is as durable as
// before.
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
// When a shared transaction fails (a concurrent request created the same
// id, a record it names was deleted meanwhile), it is rolled back whole
// and each of its creates is written again alone, by its own request, so
// that one request never fails another: each then answers exactly as it
// would have alone.

// maxGroup bounds the creates written in one shared transaction;
// maxInFlight is how many such transactions run at once, so that one
// builds while another waits for its commit to reach the disk (against
// one at a time, interleaved runs of BenchmarkWriteConcurrency on this
// two-core machine differed by less than their noise).
const (
	maxGroup    = 64
	maxInFlight = 2
)

// groupCommit queues the creates that arrive while maxInFlight
// transactions of creates are in flight.
type groupCommit struct {
	mu       sync.Mutex
	inFlight int
	queue    []*groupJob
}

// groupJob is one request's create waiting for a shared transaction.
type groupJob struct {
	ctx context.Context
	c   call
	w   pendingWrite
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

// writeCreate writes the create w for c, sharing a transaction with the
// creates of other requests in flight, and returns once it is committed.
func (r *Records) writeCreate(ctx context.Context, c call, w pendingWrite) error {
	j := &groupJob{ctx: ctx, c: c, w: w, wake: make(chan struct{})}
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
	if j.alone {
		return r.writeAlone(ctx, c, w)
	}
	return j.err
}

// lead writes the creates of j's batch, then hands the queue to its first
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
		next := g.queue[:min(len(g.queue), maxGroup)]
		g.queue = g.queue[len(next):]
		if len(g.queue) == 0 {
			g.queue = nil
		}
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

// runGroup writes the creates of jobs: one alone exactly as it always
// was; more in one transaction, each written again alone when that fails.
func (r *Records) runGroup(jobs []*groupJob) {
	if len(jobs) == 1 {
		j := jobs[0]
		j.err = r.writeAlone(j.ctx, j.c, j.w)
		return
	}
	// The shared transaction outlives no request of its own: it runs to
	// its end even when the request leading it is cancelled, as the others
	// wait for it.
	ctx := context.WithoutCancel(jobs[0].ctx)
	err := r.db.Tx(ctx, func(tx *gorm.DB) error {
		writes := make([]pendingWrite, len(jobs))
		afters := make([]models.Record, len(jobs))
		for i, j := range jobs {
			writes[i], afters[i] = j.w, j.w.after
		}
		if err := flagVisits(tx, call{}, afters); err != nil {
			return err
		}
		if err := lockParents(tx, writes); err != nil {
			return err
		}
		if err := insertCreates(tx, writes); err != nil {
			return err
		}
		changes := make([]models.Change, len(jobs))
		for i, j := range jobs {
			ch, err := r.changeOf(ctx, tx, j.c, j.w.sp, j.w.action, nil, j.w.after)
			if err != nil {
				return err
			}
			changes[i] = ch
		}
		return models.RecordChanges(tx, changes)
	})
	if err != nil {
		for _, j := range jobs {
			j.alone = true
		}
	}
}

// writeAlone writes w for c in a transaction of its own.
func (r *Records) writeAlone(ctx context.Context, c call, w pendingWrite) error {
	return r.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := flagVisits(tx, c, []models.Record{w.after}); err != nil {
			return err
		}
		if err := w.op(tx); err != nil {
			return err
		}
		if err := r.recordChange(ctx, tx, c, w.sp, w.action, w.before, w.after); err != nil {
			return err
		}
		return refreshPhotoFlags(tx, w.before, w.after)
	})
}
