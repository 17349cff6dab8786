package e2e

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/loadgen"
	"github.com/tepai/tepai/models"
)

// BenchmarkServerVisitPhotoCPU measures what a visit with its photo costs
// the server alone: tepai serve runs as its own process (on MariaDB and
// MinIO when configured, else SQLite and local disk), and the benchmark
// posts b.N visits, each followed by a 200 KB camera-like JPEG with EXIF
// time and place, one after the other, then waits until the server's own
// thumbnail workers have made every thumbnail. It reports the server
// process's CPU time (user and system, from /proc) per visit and photo,
// thumbnail included: server-cpu-ms/op. The client's CPU, building and
// sending the requests, is in this process and not in the figure, unlike
// handlers' BenchmarkVisitPhotoCPU, which serves in-process.
func BenchmarkServerVisitPhotoCPU(b *testing.B) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		b.Skip("needs /proc to read the server's CPU time")
	}
	backend := "sqlite"
	if testenv.MySQLAvailable() && os.Getenv("TEPAI_TEST_S3_ENDPOINT") != "" {
		backend = "mysql"
	}
	cfg := prepare(b, backend)
	srv := startServer(b, cfg)
	p := newProbe(b, srv.URL)
	pool, err := loadgen.NewPhotoPool(4, 200, 1)
	if err != nil {
		b.Fatal(err)
	}
	db, err := models.Open(cfg.MySQLDSN, cfg.DataDir)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	send := func() {
		v := probeVisit()
		if a := callJSON(b, "POST", srv.URL+"/api/v1/visits", p.token, v); a.Status != 201 {
			b.Fatalf("POST /visits: %d %s", a.Status, a.Body)
		}
		id := uuid.NewString()
		contentType, form := photoForm(id, v.ID, pool.Photo(id, v.StartedAt.Add(30*time.Minute), 29.2, 118.3))
		if a := call(b, "POST", srv.URL+"/api/v1/photos", p.token, contentType, form); a.Status != 201 {
			b.Fatalf("POST /photos: %d %s", a.Status, a.Body)
		}
	}
	// Thumbnail workers poll every second when idle: waiting for them is
	// bounded, and polls the database from here, not the server.
	thumbnailsDone := func() {
		deadline := time.Now().Add(2 * time.Minute)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			var pending int64
			if err := db.Raw("SELECT COUNT(*) FROM photo_jobs").Scan(&pending).Error; err != nil {
				b.Fatal(err)
			}
			if pending == 0 {
				return
			}
			if time.Now().After(deadline) {
				b.Fatalf("%d thumbnails still to make after 2 minutes", pending)
			}
			<-tick.C
		}
	}
	for range 10 {
		send()
	}
	thumbnailsDone()
	pid := srv.cmd.Process.Pid
	before := processCPU(b, pid)
	n := 0
	for b.Loop() {
		send()
		n++
	}
	thumbnailsDone()
	used := processCPU(b, pid) - before
	b.ReportMetric(float64(used.Microseconds())/1000/float64(n), "server-cpu-ms/op")
}

// processCPU is the user and system CPU time process pid has used, from
// /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s, Linux's
// USER_HZ on every architecture Go runs on).
func processCPU(tb testing.TB, pid int) time.Duration {
	tb.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		tb.Fatal(err)
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	rest := string(raw[bytes.LastIndexByte(raw, ')')+2:])
	f := strings.Fields(rest)
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		tb.Fatalf("parse /proc/%d/stat: %q", pid, raw)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond
}
