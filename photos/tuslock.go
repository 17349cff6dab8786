package photos

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/tepai/tepai/apierr"

	"github.com/google/uuid"
	"github.com/tepai/tepai/models"
	"github.com/tus/tusd/v2/pkg/handler"
)

// uploadLease is how long an upload lock holds unless renewed (every third
// of it); a replica that dies holding one frees it after at most this
// long. tusd waits lockWait for a lock, longer than the lease, so that a
// phone resuming an upload after its replica crashed gets the lock and not
// a 503.
const (
	uploadLease = 15 * time.Second
	lockWait    = uploadLease + 5*time.Second
)

// dbLocker gives tusd upload locks that hold across replicas: a lease row
// per upload in the database, renewed while its request runs. A request
// waiting for a lock held in the same process asks the holder to let go
// (tusd then stops the holder's request), as tusd's memory locker does.
//
// It asks only a holder whose request has started writing its chunk (see
// arm). tusd v2.9.2 sets the request's body reader in writeChunk without
// synchronisation, while the goroutine that closes the body when a lock
// release is requested reads it (github.com/tus/tusd/issues/1192, still
// open, no release fixes it): asking before writeChunk has set the body
// is a data race. The upload's WriteChunk runs on the request's goroutine
// after the body is set, and arms the release under mu, so every request
// to let go happens after the body was set.
//
// A request waiting for a lock tries again as soon as a request of this
// process gives one up (freed), not only at its next poll: a PATCH waiting
// for a phone's offset request to end takes the lock before that phone's
// next offset request comes, rather than losing it to every one that lands
// on its poll.
type dbLocker struct {
	db   *models.DB
	host string
	mu   sync.Mutex
	held map[string]*holder // upload id → the local holder
	// freed is closed, and replaced, when a lock of this process is given
	// up.
	freed chan struct{}
	// poll is how often a waiting request tries again (a lock another
	// replica holds frees no local waiter).
	poll time.Duration
}

// holder is the request of this process that holds an upload's lock.
type holder struct {
	requestUnlock func()
	// armed is set once the request writes its chunk: from then on it may
	// be asked to let go.
	armed bool
}

func newDBLocker(db *models.DB) *dbLocker {
	host, _ := os.Hostname()
	return &dbLocker{db: db, host: host, held: map[string]*holder{}, freed: make(chan struct{}), poll: 50 * time.Millisecond}
}

// NewLock returns an unlocked lock on upload id.
func (l *dbLocker) NewLock(id string) (handler.Lock, error) {
	return &dbLock{l: l, id: id}, nil
}

type dbLock struct {
	l     *dbLocker
	id    string
	token string
	stop  context.CancelFunc
	done  chan struct{}
}

// Lock waits until it holds the upload's lease, or ctx ends.
func (k *dbLock) Lock(ctx context.Context, requestUnlock func()) error {
	ctx, done := detach(ctx)
	defer done()
	k.token = k.l.host + "/" + uuid.NewString()
	for {
		// Taken before the try, so that a lock given up between the try
		// and the wait wakes it.
		k.l.mu.Lock()
		freed := k.l.freed
		k.l.mu.Unlock()
		ok, err := k.l.db.TryLockUpload(ctx, k.id, k.token, uploadLease)
		if err != nil {
			return tusError(ctx, err)
		}
		if ok {
			k.hold(requestUnlock)
			return nil
		}
		// Asked on every try: the holder may become armed only later.
		k.l.askRelease(k.id)
		select {
		case <-ctx.Done():
			// Another request (or a crashed replica, until its lease
			// runs out) holds the upload: the client should retry.
			return tusError(ctx, apierr.Unavailable(handler.ErrLockTimeout))
		case <-freed:
		case <-time.After(k.l.poll):
		}
	}
}

// hold registers the local holder and renews the lease until Unlock.
func (k *dbLock) hold(requestUnlock func()) {
	k.l.mu.Lock()
	k.l.held[k.id] = &holder{requestUnlock: requestUnlock}
	k.l.mu.Unlock()
	ctx, stop := context.WithCancel(context.Background())
	k.stop, k.done = stop, make(chan struct{})
	go func() {
		defer close(k.done)
		tick := time.NewTicker(uploadLease / 3)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if _, err := k.l.db.TryLockUpload(ctx, k.id, k.token, uploadLease); err != nil && ctx.Err() == nil {
					slog.Warn("renew upload lock", "upload", k.id, "err", err)
				}
			}
		}
	}()
}

// Unlock gives the lease up.
func (k *dbLock) Unlock() error {
	k.stop()
	<-k.done
	k.l.mu.Lock()
	delete(k.l.held, k.id)
	k.l.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := k.l.db.UnlockUpload(ctx, k.id, k.token)
	k.l.mu.Lock()
	close(k.l.freed)
	k.l.freed = make(chan struct{})
	k.l.mu.Unlock()
	return err
}

// arm lets the local holder of upload id be asked to let go; the holder's
// request calls it from WriteChunk, after tusd has set its body reader.
func (l *dbLocker) arm(id string) {
	l.mu.Lock()
	if h := l.held[id]; h != nil {
		h.armed = true
	}
	l.mu.Unlock()
}

// askRelease asks the local holder of upload id to let go, once it is
// armed. The call is made under mu, so that it is ordered after arm.
func (l *dbLocker) askRelease(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if h := l.held[id]; h != nil && h.armed {
		h.requestUnlock()
	}
}
