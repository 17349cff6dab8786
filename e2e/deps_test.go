package e2e

import (
	"os"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/tepai/tepai/config"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/loadgen"
)

// TestDependencyOutagesUnderLoad stops the photo store (a MinIO of the
// test's own) and then cuts the database (behind a TCP proxy) while phones
// keep working, and checks what the contract promises: photo calls answer
// 503 with Retry-After while records keep working, /readyz follows both,
// everything recovers without restarting tepai, and nothing is lost or
// stored twice.
func TestDependencyOutagesUnderLoad(t *testing.T) {
	heavy(t)
	if !testenv.MySQLAvailable() {
		t.Skip("needs TEPAI_TEST_MYSQL_DSN")
	}
	cfg := prepare(t, "mysql")
	store := startMinio(t)
	cfg.S3 = config.S3{Endpoint: store.addr, AccessKey: minioUser, SecretKey: minioPassword, Bucket: "tepai-e2e", Region: "us-east-1"}
	db := startProxy(t, mysqlAddr(t))
	srv := startServer(t, viaProxy(t, cfg, db.Addr()))
	probe := newProbe(t, srv.URL)

	lcfg := loadConfig(t, srv.URL)
	lcfg.Region = "330824115" // another township than the probe's, whose records the run must not count
	lcfg.Duration = 12 * time.Second
	lcfg.Grace = 50 * time.Second
	r, err := loadgen.New(lcfg)
	if err != nil {
		t.Fatal(err)
	}
	done := runLoad(t, r)
	waitAcked(t, r, 4, 2)

	storeOutage(t, srv, store, probe)
	databaseOutage(t, srv, db, probe)

	rep := report(t, done)
	checkOutageReport(t, rep)
}

// outage is how long each dependency stays down under load.
const outage = 2 * time.Second

// storeOutage stops the photo store and starts it again: photo uploads
// answer 503 with Retry-After meanwhile, records keep working, and
// uploads work again once it is back.
func storeOutage(t *testing.T, srv *server, store *minio, probe *probe) {
	t.Helper()
	store.stop()
	waitStatus(t, srv.URL+"/readyz", 503, 20*time.Second)
	time.Sleep(outage) // the phones work on meanwhile
	if a := probe.photo(); a.Status != 503 || a.Header.Get("Retry-After") == "" {
		t.Errorf("photo upload with the store down: %d Retry-After %q %s", a.Status, a.Header.Get("Retry-After"), a.Body)
	}
	if status, result, _ := probe.push(); status != 200 || result != "created" {
		t.Errorf("push with the store down: %d %s, want 200 created", status, result)
	}
	store.start()
	waitStatus(t, srv.URL+"/readyz", 200, 30*time.Second)
	if a := probe.photo(); a.Status != 201 {
		t.Errorf("photo upload after the store returned: %d %s", a.Status, a.Body)
	}
}

// databaseOutage cuts the database connections and restores them: requests
// answer 503 meanwhile and work again afterwards, without a restart.
func databaseOutage(t *testing.T, srv *server, db *proxy, probe *probe) {
	t.Helper()
	db.Cut()
	waitStatus(t, srv.URL+"/readyz", 503, 20*time.Second)
	time.Sleep(outage) // the phones work on meanwhile
	if status, result, _ := probe.push(); status != 503 {
		t.Errorf("push with the database cut: %d %s, want 503", status, result)
	}
	db.Restore()
	waitStatus(t, srv.URL+"/readyz", 200, 30*time.Second)
	if status, result, _ := probe.push(); status != 200 || result != "created" {
		t.Errorf("push after the database returned: %d %s", status, result)
	}
}

// checkOutageReport is checkReport where 503s were expected: the run must
// verify, and any 5xx but 503 is a failure.
func checkOutageReport(t *testing.T, rep *loadgen.Report) {
	t.Helper()
	errs := map[string]int{}
	for k, v := range rep.Errors {
		if k != "503" {
			errs[k] = v
		}
	}
	if rep.Errors["503"] == 0 {
		t.Errorf("the phones never met a 503 during %s outages of the database", outage)
	}
	rep.Errors = errs
	checkReport(t, rep)
}

// mysqlAddr is the host:port of the test database server.
func mysqlAddr(t *testing.T) string {
	mc, err := mysql.ParseDSN(os.Getenv("TEPAI_TEST_MYSQL_DSN"))
	if err != nil {
		t.Fatal(err)
	}
	return mc.Addr
}

// viaProxy returns cfg with the database reached through addr.
func viaProxy(t *testing.T, cfg config.Config, addr string) config.Config {
	mc, err := mysql.ParseDSN(cfg.MySQLDSN)
	if err != nil {
		t.Fatal(err)
	}
	mc.Net, mc.Addr = "tcp", addr
	cfg.MySQLDSN = mc.FormatDSN()
	return cfg
}
