// Package priority tells background work whether a write that a phone
// waits on is in flight, so that the background work can give way to it,
// and how many cores the bounds on CPU-heavy work are sized from.
//
// A sync push is what a commissioner's phone waits on when it comes into
// signal; storing a photo that arrived with it, and making its thumbnail,
// can wait a little. The photo service takes fewer turns at once while
// Busy (see photos.takeTurn).
package priority

import (
	"runtime"
	"sync/atomic"
)

// Cores is how many goroutines Go ran at once when the process started
// (GOMAXPROCS: the cores, or the container's CPU limit). The bounds on
// CPU-heavy work (password checks, photo work, thumbnail workers) are
// sized from it; tepai serve then raises GOMAXPROCS above it (see
// cmd/tepai).
var Cores = max(1, runtime.GOMAXPROCS(0))

var inFlight atomic.Int64

// Foreground marks a foreground write as in flight until the returned
// function is called.
func Foreground() (done func()) {
	inFlight.Add(1)
	var once atomic.Bool
	return func() {
		if once.CompareAndSwap(false, true) {
			inFlight.Add(-1)
		}
	}
}

// Busy reports whether a foreground write is in flight.
func Busy() bool { return inFlight.Load() > 0 }
