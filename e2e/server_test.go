package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tepai/tepai/config"
	"github.com/tepai/tepai/internal/testenv"
)

// server is one tepai process, restartable on the same address and data.
type server struct {
	t    testing.TB
	env  []string
	URL  string
	log  string
	cmd  *exec.Cmd
	done chan struct{}
}

// startServer runs tepai with cfg on a free loopback port and waits until
// it is ready.
func startServer(t testing.TB, cfg config.Config) *server {
	t.Helper()
	addr := testenv.FreeAddr(t)
	s := &server{t: t, env: env(cfg, addr), URL: "http://" + addr,
		log: filepath.Join(t.TempDir(), "tepai.log")}
	t.Cleanup(func() {
		s.kill()
		if races := grepLog(s.log, 1, "WARNING: DATA RACE"); races != "" {
			t.Errorf("the server (built with -race) had a data race under load")
		}
		if t.Failed() {
			s.dumpLog()
		}
	})
	s.start()
	return s
}

// start launches the process and waits for /readyz.
func (s *server) start() {
	s.t.Helper()
	f, err := os.OpenFile(s.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		s.t.Fatal(err)
	}
	cmd := exec.Command(tepaiBinary(s.t), "serve")
	cmd.Env, cmd.Stdout, cmd.Stderr = s.env, f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		s.t.Fatalf("start tepai: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); f.Close(); close(done) }()
	s.cmd, s.done = cmd, done
	s.waitReady(60 * time.Second)
}

// waitReady waits until /readyz answers 200, failing early when the
// process exits.
func (s *server) waitReady(limit time.Duration) {
	s.t.Helper()
	ready := make(chan struct{})
	go func() {
		defer close(ready)
		waitStatusQuiet(s.URL+"/readyz", 200, limit)
	}()
	select {
	case <-ready:
	case <-s.done:
		s.t.Fatalf("tepai exited while starting; log:\n%s", tail(s.log))
	}
	waitStatus(s.t, s.URL+"/readyz", 200, time.Second)
}

// kill ends the process with SIGKILL, as a crash would.
func (s *server) kill() {
	if s.cmd == nil {
		return
	}
	signal(s.cmd, syscall.SIGKILL)
	<-s.done
	s.cmd = nil
}

// stop ends the process with SIGTERM and waits for its graceful exit.
func (s *server) stop() {
	if s.cmd == nil {
		return
	}
	signal(s.cmd, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(40 * time.Second):
		s.t.Errorf("tepai did not stop within 40 s of SIGTERM")
		s.kill()
	}
	s.cmd = nil
}

func (s *server) dumpLog() {
	s.t.Logf("tepai log (%s): errors\n%s\nlast part:\n%s", s.URL, grepLog(s.log, 20, `"level":"ERROR"`, "DATA RACE"), tail(s.log))
}

// grepLog returns the first n lines of a file that contain any of words.
func grepLog(path string, n int, words ...string) string {
	b, _ := os.ReadFile(path)
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		for _, w := range words {
			if strings.Contains(line, w) && len(out) < n {
				out = append(out, line)
				break
			}
		}
	}
	return strings.Join(out, "\n")
}

// tail returns the end of a file.
func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 6000 {
		b = b[len(b)-6000:]
	}
	return string(b)
}

// waitStatusQuiet polls url until it answers want or limit passes.
func waitStatusQuiet(url string, want int, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if res, err := httpGet(url); err == nil {
			res.Body.Close()
			if res.StatusCode == want {
				return true
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}
