package server_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
)

// timeoutEnv starts tepai with short header and idle timeouts; the test
// server is built by the same server.HTTPServer as tepai serve's.
func timeoutEnv(t *testing.T) (*testenv.Env, time.Duration) {
	cfg := testenv.Config(t, "sqlite")
	cfg.ReadHeaderTimeout, cfg.IdleTimeout = 300*time.Millisecond, 300*time.Millisecond
	return testenv.NewWithConfig(t, "sqlite", cfg), cfg.ReadHeaderTimeout
}

func dial(t *testing.T, env *testenv.Env) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", env.Server.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	// A generous bound on every wait below: the server must act long
	// before it.
	if err := conn.SetDeadline(time.Now().Add(30 * time.Second)); err != nil {
		t.Fatal(err)
	}
	return conn
}

// closedByServer fails the test unless the server closes conn.
func closedByServer(t *testing.T, conn net.Conn, r io.Reader, what string) {
	t.Helper()
	_, err := r.Read(make([]byte, 1))
	var ne net.Error
	if err == nil || errors.As(err, &ne) && ne.Timeout() || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("%s: connection not closed by the server: %v", what, err)
	}
}

// A client that never finishes its headers, and a kept-alive connection
// that stays idle, are disconnected; a body sent slowly, with pauses
// longer than those timeouts, is not cut.
func TestServerTimeouts(t *testing.T) {
	env, timeout := timeoutEnv(t)

	slow := dial(t, env)
	if _, err := io.WriteString(slow, "GET /healthz HTTP/1.1\r\nHost: tepai\r\n"); err != nil {
		t.Fatal(err)
	}
	closedByServer(t, slow, slow, "unfinished headers")

	idle := dial(t, env)
	if _, err := io.WriteString(idle, "GET /healthz HTTP/1.1\r\nHost: tepai\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(idle)
	res, err := http.ReadResponse(br, nil)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("healthz on a kept-alive connection: %v %v", res, err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	closedByServer(t, idle, br, "idle kept-alive connection")

	body := fmt.Sprintf(`{"phone":"%s","password":"not-the-password"}`, testenv.AdminPhone)
	upload := dial(t, env)
	fmt.Fprintf(upload, "POST /api/v1/auth/login HTTP/1.1\r\nHost: tepai\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
	for _, part := range []string{body[:10], body[10:20], body[20:]} {
		time.Sleep(2 * timeout) // the slow client is the scenario, not a wait for the server
		if _, err := io.WriteString(upload, part); err != nil {
			t.Fatalf("slow body cut: %v", err)
		}
	}
	res, err = http.ReadResponse(bufio.NewReader(upload), nil)
	if err != nil {
		t.Fatalf("slow body: no answer: %v", err)
	}
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(string(b), "request_id") {
		t.Fatalf("slow body: %d %s", res.StatusCode, b)
	}
}
