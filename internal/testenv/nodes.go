package testenv

import (
	"os"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/tepai/tepai/models"
)

// NodeDSNs returns dsn as seen through each node of the cluster under
// test: dsn itself, then the same database on the servers of
// TEPAI_TEST_MYSQL_DSN2 and TEPAI_TEST_MYSQL_DSN3 when set (other Galera
// nodes, other TiDB servers).
func NodeDSNs(t testing.TB, dsn string) []string {
	t.Helper()
	own, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("dsn: %v", err)
	}
	out := []string{dsn}
	for _, name := range []string{"TEPAI_TEST_MYSQL_DSN2", "TEPAI_TEST_MYSQL_DSN3"} {
		other := os.Getenv(name)
		if other == "" {
			continue
		}
		mc, err := mysql.ParseDSN(other)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		mc.DBName = own.DBName
		out = append(out, mc.FormatDSN())
	}
	return out
}

// OtherNode returns a handle on the Env's database through another node of
// a cluster (see NodeDSNs). With no other node configured, or on SQLite,
// it is the Env's own handle. Tests write through both to run writers on
// two nodes at once.
func (e *Env) OtherNode() *models.DB {
	e.T.Helper()
	if e.Backend != "mysql" {
		return e.DB()
	}
	dsns := NodeDSNs(e.T, e.Config.MySQLDSN)
	if len(dsns) < 2 {
		return e.DB()
	}
	db, err := models.Open(dsns[1], "")
	if err != nil {
		e.T.Fatalf("open second node: %v", err)
	}
	e.T.Cleanup(func() { db.Close() })
	return db
}
