package photos

import (
	"context"
	"testing"
	"time"

	"github.com/tepai/tepai/models"
)

// A request waiting for an upload's lock that a request of this process
// holds takes it as soon as that request gives it up, not at its next
// poll: otherwise a phone's next offset request, landing before that poll,
// could take the lock again and again while the PATCH waiting for it never
// gets its turn.
func TestWaiterTakesAFreedLockAtOnce(t *testing.T) {
	db, err := models.Open("", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(); err != nil {
		t.Fatal(err)
	}
	l := newDBLocker(db)
	// Only the release can wake the waiter within the test's minute.
	l.poll = time.Hour
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	held, _ := l.NewLock("upload-1")
	asked := make(chan struct{}, 1)
	if err := held.Lock(ctx, func() {
		select {
		case asked <- struct{}{}:
		default:
		}
	}); err != nil {
		t.Fatal(err)
	}
	l.arm("upload-1")
	waiter, _ := l.NewLock("upload-1")
	took := make(chan error, 1)
	go func() { took <- waiter.Lock(ctx, func() {}) }()
	// The waiter has tried, found the lock held and asked its holder to
	// let go.
	<-asked
	if err := held.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := <-took; err != nil {
		t.Fatalf("the waiter did not take the lock given up: %v", err)
	}
	if err := waiter.Unlock(); err != nil {
		t.Fatal(err)
	}
}
