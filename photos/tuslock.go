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
type dbLocker struct {
	db   *models.DB
	host string
	mu   sync.Mutex
	held map[string]func() // upload id → the local holder's requestUnlock
}

func newDBLocker(db *models.DB) *dbLocker {
	host, _ := os.Hostname()
	return &dbLocker{db: db, host: host, held: map[string]func(){}}
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
	asked := false
	for {
		ok, err := k.l.db.TryLockUpload(ctx, k.id, k.token, uploadLease)
		if err != nil {
			return tusError(ctx, err)
		}
		if ok {
			k.hold(requestUnlock)
			return nil
		}
		if !asked {
			k.l.askRelease(k.id)
			asked = true
		}
		select {
		case <-ctx.Done():
			// Another request (or a crashed replica, until its lease
			// runs out) holds the upload: the client should retry.
			return tusError(ctx, apierr.Unavailable(handler.ErrLockTimeout))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// hold registers the local holder and renews the lease until Unlock.
func (k *dbLock) hold(requestUnlock func()) {
	k.l.mu.Lock()
	k.l.held[k.id] = requestUnlock
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
	return k.l.db.UnlockUpload(ctx, k.id, k.token)
}

func (l *dbLocker) askRelease(id string) {
	l.mu.Lock()
	fn := l.held[id]
	l.mu.Unlock()
	if fn != nil {
		fn()
	}
}
