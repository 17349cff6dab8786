package photos

import (
	"context"
	"runtime"
	"testing"

	"github.com/tepai/tepai/internal/priority"
)

// Photo work takes two turns per core, and one per core while a sync push
// is in flight; a wait that is given up holds no turn.
func TestPhotoTurns(t *testing.T) {
	cores := max(1, runtime.GOMAXPROCS(0))
	given := func() context.Context {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		return ctx
	}
	take := func(n int) []func() {
		var dones []func()
		for i := range n {
			done, err := takeTurn(context.Background())
			if err != nil {
				t.Fatalf("turn %d of %d: %v", i+1, n, err)
			}
			dones = append(dones, done)
		}
		return dones
	}
	for _, c := range []struct {
		name  string
		busy  bool
		turns int
	}{{"idle", false, 2 * cores}, {"push in flight", true, cores}} {
		t.Run(c.name, func(t *testing.T) {
			if c.busy {
				defer priority.Foreground()()
			}
			dones := take(c.turns)
			wantBusy := 0
			if c.busy {
				wantBusy = c.turns
			}
			if len(busyTurns) != wantBusy {
				t.Errorf("%d busy turns held, want %d", len(busyTurns), wantBusy)
			}
			if _, err := takeTurn(given()); err == nil {
				t.Fatalf("a turn beyond the %d was given", c.turns)
			}
			if len(photoTurns) != c.turns {
				t.Errorf("%d photo turns held after a wait was given up, want %d", len(photoTurns), c.turns)
			}
			for _, done := range dones {
				done()
			}
			if len(photoTurns) != 0 || len(busyTurns) != 0 {
				t.Errorf("turns held after all were given back: %d photo, %d busy", len(photoTurns), len(busyTurns))
			}
		})
	}
	// Turns taken while idle stay good when a push starts: the photo work
	// under way finishes, and only new work waits.
	dones := take(2 * cores)
	end := priority.Foreground()
	if _, err := takeTurn(given()); err == nil {
		t.Fatal("a turn was given beyond the cores while a push is in flight")
	}
	for _, done := range dones[:cores] {
		done()
	}
	more := take(cores)
	end()
	for _, done := range append(dones[cores:], more...) {
		done()
	}
	if len(photoTurns) != 0 || len(busyTurns) != 0 {
		t.Errorf("turns held after all were given back: %d photo, %d busy", len(photoTurns), len(busyTurns))
	}
}
