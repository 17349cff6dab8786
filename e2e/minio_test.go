package e2e

import (
	"go/build"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
)

// minio is a MinIO server of the test's own, on a free port: it may be
// stopped and started without disturbing anybody else's.
type minio struct {
	t    *testing.T
	bin  string
	addr string
	dir  string
	log  string
	cmd  *exec.Cmd
	done chan struct{}
}

// MinIO credentials of the test's own server.
const (
	minioUser     = "e2e-minio-user"
	minioPassword = "e2e-minio-password"
)

// minioBinary finds the minio server binary, or skips the test.
func minioBinary(t *testing.T) string {
	gobin := os.Getenv("GOBIN")
	if gobin == "" {
		gobin = filepath.Join(build.Default.GOPATH, "bin")
	}
	for _, p := range []string{os.Getenv("TEPAI_TEST_MINIO_BIN"), filepath.Join(gobin, "minio")} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if p, err := exec.LookPath("minio"); err == nil {
		return p
	}
	t.Skip("no minio binary (set TEPAI_TEST_MINIO_BIN)")
	return ""
}

func startMinio(t *testing.T) *minio {
	t.Helper()
	dir := t.TempDir()
	m := &minio{t: t, bin: minioBinary(t), addr: testenv.FreeAddr(t), dir: filepath.Join(dir, "data"), log: filepath.Join(dir, "minio.log")}
	t.Cleanup(m.stop)
	m.start()
	return m
}

// start runs the server on its address and data and waits until it is live.
func (m *minio) start() {
	m.t.Helper()
	f, err := os.OpenFile(m.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		m.t.Fatal(err)
	}
	cmd := exec.Command(m.bin, "server", "--quiet", "--address", m.addr, "--console-address", testenv.FreeAddr(m.t), m.dir)
	cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+minioUser, "MINIO_ROOT_PASSWORD="+minioPassword)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		m.t.Fatalf("start minio: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); f.Close(); close(done) }()
	m.cmd, m.done = cmd, done
	if !waitStatusQuiet("http://"+m.addr+"/minio/health/live", 200, 30*time.Second) {
		m.t.Fatalf("minio did not come up; log:\n%s", tail(m.log))
	}
}

// stop kills the server (the test's own only).
func (m *minio) stop() {
	if m.cmd == nil {
		return
	}
	signal(m.cmd, syscall.SIGKILL)
	<-m.done
	m.cmd = nil
}
