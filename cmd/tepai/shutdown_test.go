package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/handlers"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/server"
)

// openApp builds tepai on SQLite in a temporary folder, logging to w.
func openApp(t *testing.T, w io.Writer) *server.App {
	t.Helper()
	app, err := server.Open(context.Background(), testenv.Config(t, "sqlite"), newLogger(w, "info"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Close() })
	return app
}

// TestSIGTERMFinishesInFlightRequests sends SIGTERM to the process while
// a request is in flight: the server stops taking connections, yet answers
// that request before serveUntil returns.
func TestSIGTERMFinishesInFlightRequests(t *testing.T) {
	app := openApp(t, io.Discard)
	entered, release := make(chan struct{}), make(chan struct{})
	var releaseOnce sync.Once
	unblock := func() { releaseOnce.Do(func() { close(release) }) }
	t.Cleanup(unblock)
	app.Echo.GET("/test/slow", func(c echo.Context) error {
		close(entered)
		<-release
		return c.String(http.StatusOK, "done")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- serveUntil(ctx, app, ln, newLogger(io.Discard, "info"), 30*time.Second) }()

	type result struct {
		status int
		body   string
		err    error
	}
	answer := make(chan result, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/test/slow")
		if err != nil {
			answer <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		answer <- result{res.StatusCode, string(b), err}
	}()
	waitFor(t, entered, "the slow request to arrive")
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx.Done(), "SIGTERM to arrive")
	waitRefused(t, ln.Addr().String())
	select {
	case err := <-served:
		t.Fatalf("server stopped with a request in flight: %v", err)
	default:
	}
	unblock()
	if r := <-answer; r.err != nil || r.status != http.StatusOK || r.body != "done" {
		t.Fatalf("in-flight request: %d %q %v", r.status, r.body, r.err)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("serveUntil: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server did not stop after the last request")
	}
}

func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// waitRefused waits (at most 10 s) until addr refuses connections.
func waitRefused(t *testing.T, addr string) {
	t.Helper()
	for range 200 {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return
		}
		c.Close()
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the server still takes new connections after SIGTERM")
}

// TestLogLinesCarryRequestID checks that every line logged while serving
// a request (the handler's own, a panic's, the error's, the access line)
// is JSON carrying that request's id.
func TestLogLinesCarryRequestID(t *testing.T) {
	var logs lockedBuffer
	app := openApp(t, &logs)
	app.Echo.GET("/test/work", func(c echo.Context) error {
		handlers.Logger(c).Info("working")
		return c.NoContent(http.StatusNoContent)
	})
	app.Echo.GET("/test/panic", func(echo.Context) error { panic("boom") })
	srv := httptest.NewServer(app.Echo)
	want := map[string][]string{
		"/test/work":   {"working", "request"},
		"/test/panic":  {"panic", "request failed", "request"},
		"/healthz":     {"request"},
		"/api/v1/nope": {"request"},
	}
	ids := map[string]string{} // path → request id
	for path := range want {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		ids[path] = res.Header.Get("X-Request-Id")
	}
	srv.Close() // waits for the requests, and their log lines

	got := map[string][]string{} // request id → messages
	sc := bufio.NewScanner(bytes.NewReader(logs.Bytes()))
	for sc.Scan() {
		var l struct {
			Msg       string `json:"msg"`
			RequestID string `json:"request_id"`
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Errorf("log line is not JSON: %s", sc.Text())
		}
		got[l.RequestID] = append(got[l.RequestID], l.Msg)
	}
	for path, msgs := range want {
		if g := got[ids[path]]; ids[path] == "" || !equal(g, msgs) {
			t.Errorf("%s (request id %q): logged %q, want %q", path, ids[path], g, msgs)
		}
	}
	for _, msg := range got[""] {
		if msg == "request" || msg == "panic" || msg == "request failed" || msg == "working" {
			t.Errorf("%q logged without a request id", msg)
		}
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// lockedBuffer is a bytes.Buffer safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) Bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.b.Bytes())
}
