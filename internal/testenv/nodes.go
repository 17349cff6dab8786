package testenv

import (
	"os"

	"github.com/go-sql-driver/mysql"
	"github.com/tepai/tepai/models"
)

// OtherNode returns a handle on the Env's database through another node of
// a cluster: the server of TEPAI_TEST_MYSQL_DSN2 (a second Galera node, a
// second TiDB server), with the Env's database name. Without that variable,
// or on SQLite, it is the Env's own handle. Tests write through both to
// run writers on two nodes at once.
func (e *Env) OtherNode() *models.DB {
	e.T.Helper()
	second := os.Getenv("TEPAI_TEST_MYSQL_DSN2")
	if e.Backend != "mysql" || second == "" {
		return e.DB()
	}
	mc, err := mysql.ParseDSN(second)
	if err != nil {
		e.T.Fatalf("TEPAI_TEST_MYSQL_DSN2: %v", err)
	}
	own, err := mysql.ParseDSN(e.Config.MySQLDSN)
	if err != nil {
		e.T.Fatalf("env dsn: %v", err)
	}
	mc.DBName = own.DBName
	db, err := models.Open(mc.FormatDSN(), "")
	if err != nil {
		e.T.Fatalf("open second node: %v", err)
	}
	e.T.Cleanup(func() { db.Close() })
	return db
}
