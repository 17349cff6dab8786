package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tepai/tepai/config"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	binDir    string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// tepaiBinary builds cmd/tepai once per test run (with -race when the
// tests run with it) and returns its path.
func tepaiBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		if binDir, buildErr = os.MkdirTemp("", "tepai-e2e-"); buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "tepai")
		args := []string{"build", "-o", binPath}
		if raceEnabled {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, "github.com/tepai/tepai/cmd/tepai")...)
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// heavy skips a test in -short mode.
func heavy(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts tepai processes; skipped with -short")
	}
}

// backends are the databases to run on: SQLite always, MySQL when set up.
func backends() []string {
	if testenv.MySQLAvailable() {
		return []string{"sqlite", "mysql"}
	}
	return []string{"sqlite"}
}

// prepare returns a test configuration for backend (a fresh database, and
// on MySQL a fresh MinIO bucket when configured) with the schema applied
// and Kaihua County imported.
func prepare(t testing.TB, backend string) config.Config {
	t.Helper()
	cfg := testenv.Config(t, backend)
	cfg.LogLevel = "warn"
	importRegions(t, cfg)
	return cfg
}

func importRegions(t testing.TB, cfg config.Config) {
	t.Helper()
	db, err := models.Open(cfg.MySQLDSN, cfg.DataDir)
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	defer db.Close()
	if err := db.Migrate(); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if _, err := db.ImportRegions(context.Background(), testenv.DivisionsDir(), "330824", nil); err != nil {
		t.Fatalf("import regions: %v", err)
	}
}

// env turns cfg into the environment of a tepai process listening on addr.
func env(cfg config.Config, addr string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TEPAI_") {
			out = append(out, kv)
		}
	}
	set := func(k, v string) {
		if v != "" {
			out = append(out, k+"="+v)
		}
	}
	set("TEPAI_ADDR", addr)
	set("TEPAI_DATA_DIR", cfg.DataDir)
	set("TEPAI_MYSQL_DSN", cfg.MySQLDSN)
	set("TEPAI_S3_ENDPOINT", cfg.S3.Endpoint)
	if cfg.S3.Endpoint != "" {
		set("TEPAI_S3_ACCESS_KEY", cfg.S3.AccessKey)
		set("TEPAI_S3_SECRET_KEY", cfg.S3.SecretKey)
		set("TEPAI_S3_BUCKET", cfg.S3.Bucket)
	}
	set("TEPAI_JWT_SECRET", cfg.JWTSecret)
	set("TEPAI_ADMIN_PHONE", cfg.AdminPhone)
	set("TEPAI_ADMIN_PASSWORD", cfg.AdminPassword)
	set("TEPAI_LOG_LEVEL", cfg.LogLevel)
	set("TEPAI_BCRYPT_COST", strconv.Itoa(cfg.BcryptCost))
	set("TEPAI_LOGIN_LIMIT", strconv.Itoa(cfg.LoginLimit))
	return out
}

// waitStatus polls url until it answers want, for at most limit.
func waitStatus(t testing.TB, url string, want int, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	last := "no answer"
	for time.Now().Before(deadline) {
		res, err := httpGet(url)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == want {
				return
			}
			last = res.Status
		} else {
			last = err.Error()
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not answer %d within %s (last: %s)", url, want, limit, last)
}

// quick is the client for probes: no retries, short timeout.
var quick = &http.Client{Timeout: 5 * time.Second}

func httpGet(url string) (*http.Response, error) { return quick.Get(url) }

// signal sends sig to the process, if it runs.
func signal(cmd *exec.Cmd, sig syscall.Signal) {
	if cmd != nil && cmd.Process != nil {
		_ = cmd.Process.Signal(sig)
	}
}
