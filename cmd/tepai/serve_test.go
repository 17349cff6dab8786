package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// GOMAXPROCS, when set, is the operator's: tepai serve leaves it.
func TestSchedulerProcs(t *testing.T) {
	if got := schedulerProcs("3"); got != 0 {
		t.Errorf("with GOMAXPROCS=3: %d, want 0 (leave it)", got)
	}
	if got, want := schedulerProcs(""), 2*runtime.GOMAXPROCS(0); got != want {
		t.Errorf("with GOMAXPROCS unset: %d, want %d", got, want)
	}
}

// TestServeBinary builds tepai, starts "tepai serve" with no configuration
// but a free port (and a debug listener) in an empty folder, and stops it
// with SIGTERM: it runs on ./data, answers, serves profiles on the debug
// listener only, logs JSON lines carrying the request id, and exits 0.
func TestServeBinary(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "tepai")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve")
	cmd.Dir = dir
	cmd.Env = append(withoutTepai(os.Environ()), "TEPAI_ADDR=127.0.0.1:0", "TEPAI_DEBUG_ADDR=127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	lines := make(chan map[string]any, 100)
	go readLogLines(stdout, lines)

	addr, debugAddr := "", ""
	var procs float64
	for addr == "" || debugAddr == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("tepai serve exited before listening")
			}
			if raw, bad := l["not_json"]; bad {
				t.Errorf("stdout line is not JSON: %q", raw)
			}
			switch l["msg"] {
			case "tepai listening":
				addr, _ = l["addr"].(string)
				procs, _ = l["gomaxprocs"].(float64)
			case "debug listening":
				debugAddr, _ = l["addr"].(string)
			}
		case <-time.After(60 * time.Second):
			t.Fatal("tepai serve did not start listening within 60 s")
		}
	}
	// With GOMAXPROCS unset, a P per core for requests and one per core
	// for password checks.
	if os.Getenv("GOMAXPROCS") == "" && int(procs) != 2*runtime.GOMAXPROCS(0) {
		t.Errorf("tepai serve runs with GOMAXPROCS %v, want %d on %d cores", procs, 2*runtime.GOMAXPROCS(0), runtime.GOMAXPROCS(0))
	}
	for _, name := range []string{"tepai.db", "jwt.secret"} {
		if _, err := os.Stat(filepath.Join(dir, "data", name)); err != nil {
			t.Errorf("./data/%s: %v", name, err)
		}
	}
	ids := map[string]string{} // request id → path
	for _, c := range []struct {
		path   string
		status int
	}{{"/healthz", 200}, {"/readyz", 200}, {"/api/v1/nope", 404}, {"/api/v1/regions/33", 401}, {"/debug/pprof/", 404}} {
		res, err := http.Get("http://" + addr + c.path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != c.status {
			t.Errorf("GET %s: %d, want %d", c.path, res.StatusCode, c.status)
		}
		ids[res.Header.Get("X-Request-Id")] = c.path
	}
	// The profiles are on the debug listener, and only there.
	res, err := http.Get("http://" + debugAddr + "/debug/pprof/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "serve") {
		t.Errorf("pprof cmdline: %d %q", res.StatusCode, body)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	logged := map[string]bool{}
	var last map[string]any
	for l := range lines {
		last = l
		if raw, bad := l["not_json"]; bad {
			t.Errorf("stdout line is not JSON: %q", raw)
		}
		if l["msg"] == "request" {
			id, _ := l["request_id"].(string)
			if ids[id] == "" || ids[id] != l["path"] {
				t.Errorf("request line with request_id %q for %v matches no response", id, l["path"])
			}
			logged[id] = true
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after SIGTERM: %v", err)
	}
	if len(logged) != len(ids) {
		t.Errorf("%d requests logged, want %d", len(logged), len(ids))
	}
	if last["msg"] != "stopped" {
		t.Errorf("last log line: %v", last)
	}
}

// readLogLines sends each stdout line to out, decoded; a line that is not
// a JSON object comes as {"not_json": line}.
func readLogLines(r io.Reader, out chan<- map[string]any) {
	defer close(out)
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			m = map[string]any{"not_json": sc.Text()}
		}
		out <- m
	}
}

func withoutTepai(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "TEPAI_") {
			out = append(out, kv)
		}
	}
	return out
}
