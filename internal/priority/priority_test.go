package priority

import (
	"sync"
	"testing"
)

func TestForeground(t *testing.T) {
	if Busy() {
		t.Fatal("busy before any foreground write")
	}
	a := Foreground()
	b := Foreground()
	if !Busy() {
		t.Fatal("not busy with two foreground writes in flight")
	}
	a()
	a() // a second call changes nothing
	if !Busy() {
		t.Fatal("not busy with one foreground write still in flight")
	}
	b()
	if Busy() {
		t.Fatal("busy after every foreground write ended")
	}
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() { Foreground()() })
	}
	wg.Wait()
	if Busy() {
		t.Fatal("busy after concurrent foreground writes ended")
	}
}
