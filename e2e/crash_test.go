package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/tepai/tepai/loadgen"
)

// runLoad starts r in the background; the report arrives on the channel.
func runLoad(t *testing.T, r *loadgen.Runner) <-chan *loadgen.Report {
	ch := make(chan *loadgen.Report, 1)
	go func() {
		rep, err := r.Run(context.Background())
		if err != nil {
			t.Errorf("load run: %v", err)
		}
		ch <- rep
	}()
	return ch
}

// waitAcked waits until the phones have had at least records and photos
// acknowledged.
func waitAcked(t *testing.T, r *loadgen.Runner, records, photos int) {
	t.Helper()
	deadline := time.Now().Add(40 * time.Second)
	for time.Now().Before(deadline) {
		if rec, ph := r.AckedCount(); rec >= records && ph >= photos {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	rec, ph := r.AckedCount()
	t.Fatalf("only %d records and %d photos acknowledged, waited for %d and %d", rec, ph, records, photos)
}

// report waits for the run's report.
func report(t *testing.T, ch <-chan *loadgen.Report) *loadgen.Report {
	t.Helper()
	select {
	case rep := <-ch:
		if rep == nil {
			t.FailNow()
		}
		return rep
	case <-time.After(2 * time.Minute):
		t.Fatal("load run did not end within 2 minutes")
	}
	return nil
}

func TestCrashUnderLoadLosesNothingAcknowledged(t *testing.T) {
	heavy(t)
	for _, backend := range backends() {
		t.Run(backend, func(t *testing.T) {
			srv := startServer(t, prepare(t, backend))
			cfg := loadConfig(t, srv.URL)
			cfg.Duration = 6 * time.Second
			r, err := loadgen.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			done := runLoad(t, r)
			waitAcked(t, r, 6, 2)
			srv.kill()
			before := r.Acked()
			time.Sleep(300 * time.Millisecond) // let the phones meet a dead server
			srv.start()
			rep := report(t, done)
			checkReport(t, rep)
			// The verification has checked that each of these (held and
			// acknowledged) is stored exactly once.
			after := r.Acked()
			t.Logf("%d items acknowledged before kill -9, %d in all; network errors seen: %d",
				len(before), len(after), rep.Errors[loadgen.OutcomeNetwork])
		})
	}
}
