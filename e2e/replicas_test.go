package e2e

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/loadgen"
)

// TestTwoReplicas runs two tepai processes on one database and one photo
// store, with the phones' requests spread round-robin over both and some
// sent to both at once: nothing may be duplicated by racing retries, no
// sync pull may skip a change, the thumbnail jobs run once each, and
// failed logins count across replicas.
func TestTwoReplicas(t *testing.T) {
	heavy(t)
	if !testenv.MySQLAvailable() || os.Getenv("TEPAI_TEST_S3_ENDPOINT") == "" {
		t.Skip("needs TEPAI_TEST_MYSQL_DSN and TEPAI_TEST_S3_ENDPOINT")
	}
	cfg := prepare(t, "mysql")
	s3 := startS3Counter(t, cfg.S3.Endpoint, thumbnailPrefix)
	cfg.S3.Endpoint = s3.URL
	a := startServer(t, cfg)
	cfg.DataDir = filepath.Join(t.TempDir(), "b")
	b := startServer(t, cfg)

	lcfg := loadConfig(t, a.URL, b.URL)
	lcfg.Phones = 6
	lcfg.Duration = 5 * time.Second
	lcfg.RaceRate = 0.3
	r, err := loadgen.New(lcfg)
	if err != nil {
		t.Fatal(err)
	}
	rep := report(t, runLoad(t, r))
	checkReport(t, rep)

	checkThumbnailsOnce(t, cfg, s3)
	checkSharedLoginLimit(t, a.URL, b.URL, cfg.LoginLimit)
}

// checkSharedLoginLimit fails logins alternately on the two replicas: the
// limit must be reached after LoginLimit failures in all, as on one
// server (per-replica counting would allow twice as many).
func checkSharedLoginLimit(t *testing.T, urlA, urlB string, limit int) {
	t.Helper()
	phone := "16600000000"
	first := 0
	for i := 1; i <= 2*limit+2 && first == 0; i++ {
		url := []string{urlA, urlB}[i%2]
		a := callJSON(t, "POST", url+"/api/v1/auth/login", "", map[string]string{"phone": phone, "password": "wrong-password"})
		switch a.Status {
		case 429:
			first = i
			if a.Header.Get("Retry-After") == "" {
				t.Errorf("429 without Retry-After")
			}
		case 401:
		default:
			t.Fatalf("failed login %d: %d %s", i, a.Status, a.Body)
		}
	}
	if first == 0 || first > limit+1 {
		t.Errorf("first 429 at failed login %d across two replicas, want by %d", first, limit+1)
	}
}
