package models_test

import (
	"sync"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// Three replicas start at once on a new database, each through its own
// node when the cluster under test has several: all of them come up, and
// every migration is applied exactly once.
func TestReplicasMigrateANewDatabaseTogether(t *testing.T) {
	if !testenv.MySQLAvailable() {
		t.Skip("SQLite is one file on one machine: its replicas share a lock")
	}
	cfg := testenv.Config(t, "mysql")
	nodes := testenv.NodeDSNs(t, cfg.MySQLDSN)
	const replicas = 3
	dbs := make([]*models.DB, replicas)
	for i := range dbs {
		db, err := models.Open(nodes[i%len(nodes)], "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i, db := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.Migrate()
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: %v", i, err)
		}
	}
	ms, err := dbs[0].Migrations()
	if err != nil {
		t.Fatal(err)
	}
	var applied []string
	if err := dbs[0].Raw("SELECT id FROM schema_migrations ORDER BY id").Scan(&applied).Error; err != nil {
		t.Fatal(err)
	}
	if len(applied) != len(ms) {
		t.Fatalf("%d migrations recorded, want %d: %v", len(applied), len(ms), applied)
	}
	for i, m := range ms {
		if applied[i] != m.ID {
			t.Fatalf("migration %d recorded as %q, want %q", i, applied[i], m.ID)
		}
	}
	var leases int64
	if err := dbs[0].Raw("SELECT COUNT(*) FROM schema_lease").Scan(&leases).Error; err != nil {
		t.Fatal(err)
	}
	if leases != 0 {
		t.Fatalf("%d migration leases left behind, want none", leases)
	}
}
