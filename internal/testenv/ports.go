package testenv

import (
	"fmt"
	"math/rand/v2"
	"net"
	"testing"
)

// Ports a test hands to a process of its own (MinIO, a tepai binary) lie
// in [lowPort, highPort): below Linux's ephemeral range (32768–60999), so
// that no outgoing connection of the busy machine can take the port
// between the test choosing it and the process binding it.
const (
	lowPort  = 20000
	highPort = 32768
)

// FreeAddr returns a 127.0.0.1 address, with a port below the ephemeral
// range, that nothing listened on when it was chosen. Listeners of the
// test's own process should listen on 127.0.0.1:0 instead.
func FreeAddr(t testing.TB) string {
	t.Helper()
	for range 200 {
		addr := fmt.Sprintf("127.0.0.1:%d", lowPort+rand.IntN(highPort-lowPort))
		l, err := net.Listen("tcp", addr)
		if err != nil {
			continue
		}
		if err := l.Close(); err != nil {
			t.Fatalf("free port: %v", err)
		}
		return addr
	}
	t.Fatalf("no free port in %d–%d", lowPort, highPort-1)
	return ""
}
