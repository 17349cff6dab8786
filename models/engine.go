package models

import (
	"strings"

	"gorm.io/gorm"
)

// galeraSyncWait is the wsrep_sync_wait tepai sets on its own connections
// to a Galera node (unless the DSN sets one): 3 makes reads (SELECT, and
// BEGIN of a transaction) and UPDATE/DELETE first wait until the node has
// applied every write the cluster committed before they started. What one
// replica acknowledged through one node, another replica then sees through
// another node on its next request (a photo posted right after its visit,
// a session just created). The cost is one cluster round trip before each
// such statement: well under a millisecond on a LAN, a few between data
// centres (docs/deploy.md).
const galeraSyncWait = "3"

// detectEngine tells TiDB, a Galera node and a plain MySQL or MariaDB
// server apart.
func detectEngine(gdb *gorm.DB) string {
	var version string
	if err := gdb.Raw("SELECT VERSION()").Row().Scan(&version); err == nil && strings.Contains(version, "TiDB") {
		return "tidb"
	}
	var wsrep string
	// MySQL has no wsrep_on (an error: not Galera); MariaDB has it OFF
	// unless it runs in a cluster.
	if err := gdb.Raw("SELECT @@wsrep_on").Row().Scan(&wsrep); err == nil && (wsrep == "1" || strings.EqualFold(wsrep, "ON")) {
		return "galera"
	}
	return "mysql"
}

// closeGorm closes a pool opened only to look at the server.
func closeGorm(gdb *gorm.DB) {
	if s, err := gdb.DB(); err == nil {
		s.Close()
	}
}
