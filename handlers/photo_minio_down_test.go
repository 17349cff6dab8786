package handlers_test

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/tepai/tepai/config"
	"github.com/tepai/tepai/internal/phototest"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// ownMinIO is a MinIO server started for one test, on a port of its own.
type ownMinIO struct {
	t    *testing.T
	bin  string
	dir  string
	addr string
	cmd  *exec.Cmd
}

// startMinIO starts a MinIO (TEPAI_TEST_MINIO_BIN, else "minio" on PATH or
// in ~/go/bin) on a free port, or skips the test when there is none.
func startMinIO(t *testing.T) *ownMinIO {
	bin := os.Getenv("TEPAI_TEST_MINIO_BIN")
	if bin == "" {
		if p, err := exec.LookPath("minio"); err == nil {
			bin = p
		} else if home, _ := os.UserHomeDir(); home != "" {
			bin = home + "/go/bin/minio"
		}
	}
	if _, err := os.Stat(bin); err != nil {
		t.Skip("no minio binary (set TEPAI_TEST_MINIO_BIN)")
	}
	m := &ownMinIO{t: t, bin: bin, dir: t.TempDir(), addr: testenv.FreeAddr(t)}
	m.start()
	t.Cleanup(m.stop)
	return m
}

func (m *ownMinIO) start() {
	m.cmd = exec.Command(m.bin, "server", "--quiet", "--address", m.addr, "--console-address", testenv.FreeAddr(m.t), m.dir)
	m.cmd.Env = append(os.Environ(), "MINIO_ROOT_USER=tepaitest", "MINIO_ROOT_PASSWORD=tepaitest-secret")
	if err := m.cmd.Start(); err != nil {
		m.t.Fatalf("start minio: %v", err)
	}
	for i := 0; i < 300; i++ {
		res, err := http.Get("http://" + m.addr + "/minio/health/live")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	m.t.Fatalf("minio at %s did not come up", m.addr)
}

// stop kills this test's MinIO, and only it.
func (m *ownMinIO) stop() {
	if m.cmd != nil && m.cmd.Process != nil {
		_ = m.cmd.Process.Kill()
		_ = m.cmd.Wait()
		m.cmd = nil
	}
}

func (m *ownMinIO) config() config.S3 {
	return config.S3{Endpoint: m.addr, AccessKey: "tepaitest", SecretKey: "tepaitest-secret", Bucket: "tepai-down", Region: "us-east-1"}
}

func TestPhotosWhenMinIOIsDown(t *testing.T) {
	m := startMinIO(t)
	cfg := testenv.Config(t, "sqlite")
	cfg.S3 = m.config()
	env := testenv.NewWithConfig(t, "sqlite", cfg)
	alice := env.NewUser(models.RoleCommissioner, townshipHuabu)
	visit := newVisit(t, env, alice.Commissioner, villageHuayang, photoTime(2024, 5, 21, 9, 0))
	id := models.NewID()
	if r := upload(env, alice.Token, photoFields(id, "visit", visit.ID), phototest.JPEG(32, 32, 71, nil)); r.Status != 201 {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	if r := env.Do("GET", "/readyz", "", nil); r.Status != 200 {
		t.Fatalf("readyz: %d", r.Status)
	}

	m.stop()
	unavailable := func(what string, r *testenv.Resp) {
		t.Helper()
		if r.Status != http.StatusServiceUnavailable || r.ErrorCode() != "unavailable" || r.Header.Get("Retry-After") == "" {
			t.Errorf("%s: %d %v %s", what, r.Status, r.Header, r.Body)
		}
	}
	unavailable("upload", upload(env, alice.Token, photoFields(models.NewID(), "visit", visit.ID), phototest.JPEG(32, 32, 72, nil)))
	unavailable("content", env.Do("GET", "/api/v1/photos/"+id+"/content", alice.Token, nil))
	r := env.Do("POST", "/api/v1/uploads/", alice.Token, nil, "Tus-Resumable", "1.0.0", "Upload-Length", "100",
		"Upload-Metadata", fmt.Sprintf("owner_type dmlzaXQ=,owner_id %s", b64(visit.ID)))
	unavailable("resumable upload", r)
	if r := env.Do("GET", "/readyz", "", nil); r.Status != http.StatusServiceUnavailable {
		t.Errorf("readyz: %d", r.Status)
	}
	// What needs only the database keeps working.
	for _, path := range []string{"/healthz", "/api/v1/photos/" + id, "/api/v1/photos?owner_type=visit&owner_id=" + visit.ID} {
		if r := env.Do("GET", path, alice.Token, nil); r.Status != 200 {
			t.Errorf("%s: %d", path, r.Status)
		}
	}
	var n int64
	env.DB().Model(&models.Photo{}).Count(&n)
	if n != 1 {
		t.Fatalf("%d photos after the failed upload", n)
	}

	m.start()
	if r := upload(env, alice.Token, photoFields(models.NewID(), "visit", visit.ID), phototest.JPEG(32, 32, 72, nil)); r.Status != 201 {
		t.Fatalf("upload after MinIO came back: %d %s", r.Status, r.Body)
	}
}
