package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/loadgen"
)

// loadConfig is a small bounded load: a few phones, a day of work per
// round, 20% of responses lost, every stored photo's bytes checked.
func loadConfig(t *testing.T, urls ...string) loadgen.Config {
	cfg := loadgen.Defaults()
	cfg.URLs = urls
	cfg.AdminPhone, cfg.AdminPassword = testenv.AdminPhone, testenv.AdminPassword
	cfg.Phones = 4
	cfg.Duration = 3 * time.Second
	cfg.Ramp = time.Second
	cfg.Grace = 40 * time.Second
	cfg.MaxRequests = 5000
	cfg.DropRate = 0.2
	cfg.PhotoKB = 24
	cfg.Days, cfg.VisitsPerDay, cfg.PhotosPerDay = 1, 4, 2
	cfg.Batch = 3
	cfg.TusShare = 0.3
	cfg.VerifyBytes = -1
	cfg.Seed = rand.Int64N(10000)
	cfg.Out = testWriter{t}
	return cfg
}

// testWriter sends the load generator's progress to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// checkReport fails the test unless the run verified exactly-once, had
// work to verify, lost responses on purpose and saw no server error.
func checkReport(t *testing.T, rep *loadgen.Report) {
	t.Helper()
	var sb strings.Builder
	rep.Text(&sb)
	t.Log(sb.String())
	v := rep.Verify
	if !rep.OK() {
		t.Fatalf("exactly-once verification failed: %v %v", v.Problems, rep.PhoneErrors)
	}
	if v.RecordsAcked == 0 || v.PhotosAcked == 0 || v.BytesChecked < v.PhotosAcked {
		t.Errorf("nothing much verified: %+v", v)
	}
	for status, n := range rep.Errors {
		if strings.HasPrefix(status, "5") {
			t.Errorf("%d responses with status %s", n, status)
		}
	}
	if len(rep.Refused) > 0 {
		t.Errorf("the server refused records or photos: %v %v", rep.Refused, rep.RefusedSample)
	}
}

func TestLoadgenCommandVerifiesExactlyOnce(t *testing.T) {
	heavy(t)
	for _, backend := range backends() {
		t.Run(backend, func(t *testing.T) {
			srv := startServer(t, prepare(t, backend))
			out := filepath.Join(t.TempDir(), "report.json")
			ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, tepaiBinary(t), "loadgen", "--url", srv.URL,
				"--admin-phone", testenv.AdminPhone, "--admin-password", testenv.AdminPassword,
				"--phones", "4", "--duration", "3s", "--ramp", "1s", "--grace", "40s", "--drop-rate", "0.2",
				"--latency", "20ms", "--bandwidth", "4000000",
				"--photo-kb", "24", "--days", "1", "--visits-per-day", "4", "--photos-per-day", "2",
				"--batch", "3", "--verify-bytes", "-1", "--seed", fmt.Sprint(rand.Int64N(10000)), "--json", out)
			output, err := cmd.CombinedOutput()
			t.Logf("tepai loadgen:\n%s", output)
			if err != nil {
				t.Fatalf("tepai loadgen: %v", err)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			var rep loadgen.Report
			if err := json.Unmarshal(b, &rep); err != nil {
				t.Fatal(err)
			}
			checkReport(t, &rep)
			if rep.Errors[loadgen.OutcomeDropped] == 0 {
				t.Errorf("no response dropped at drop rate 0.2: %v", rep.Errors)
			}
		})
	}
}

func TestLoadgenRefusesRemoteTargets(t *testing.T) {
	heavy(t)
	out, err := exec.Command(tepaiBinary(t), "loadgen", "--url", "http://192.0.2.1:8080",
		"--admin-phone", "13800000000", "--admin-password", "whatever-pw").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "only 127.0.0.1, localhost or ::1") {
		t.Fatalf("loadgen against a remote host: err %v, output %s", err, out)
	}
}
