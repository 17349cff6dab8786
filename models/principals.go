package models

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
)

// Every authenticated request needs its caller (LoadPrincipal): a read of
// the user, its session and its commissioner profile. It was one of the
// two statements a POST /visits runs outside the transaction that writes
// it, and at 32 phones posting at once (BenchmarkWriteConcurrency on
// MariaDB, two cores) answering it from memory took the rate from
// 1,541–1,606 to 1,967–1,974 records per second.
//
// So a process keeps the principals it loaded for principalTTL. Any write
// of this process to the tables a principal is read from (users,
// sessions, commissioners) forgets them all, when its statement runs and
// again when its transaction commits: a sign-out, a disabled account, a
// password reset or a changed role takes effect at once on the replica
// that made it, and within principalTTL on the others (and never past
// the session's expiry). The contract gives a disabled account's access
// tokens up to their lifetime (expires_in, 15 minutes by default) to stop
// working; principalTTL is far inside that.
const (
	principalTTL = 5 * time.Second
	// principalsKept bounds the cache; when it is full, expired entries
	// go, and if none had, all do.
	principalsKept = 4096
)

// principalTables are the tables LoadPrincipal reads.
var principalTables = []string{"users", "sessions", "commissioners"}

type principalKey struct{ user, session string }

type cachedPrincipal struct {
	p     Principal
	gen   uint64
	until time.Time
}

// principalCache is a process's principals, valid while gen is what it
// was when they were loaded.
type principalCache struct {
	gen atomic.Uint64
	mu  sync.Mutex
	m   map[principalKey]cachedPrincipal
}

func (c *principalCache) get(k principalKey, now time.Time) (Principal, bool) {
	c.mu.Lock()
	e, ok := c.m[k]
	c.mu.Unlock()
	if !ok || e.gen != c.gen.Load() || !now.Before(e.until) {
		return Principal{}, false
	}
	return e.p, true
}

// put keeps p, loaded while gen was the generation, until its session
// expires or principalTTL has passed.
func (c *principalCache) put(k principalKey, p Principal, gen uint64, now, expires time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[principalKey]cachedPrincipal{}
	}
	if len(c.m) >= principalsKept {
		for k, e := range c.m {
			if !now.Before(e.until) || e.gen != c.gen.Load() {
				delete(c.m, k)
			}
		}
		if len(c.m) >= principalsKept {
			clear(c.m)
		}
	}
	until := now.Add(principalTTL)
	if expires.Before(until) {
		until = expires
	}
	c.m[k] = cachedPrincipal{p: p, gen: gen, until: until}
}

// forget makes every kept principal stale.
func (c *principalCache) forget() { c.gen.Add(1) }

// watchPrincipalTables registers the callbacks that make db forget its
// principals when a statement writes one of principalTables, and marks the
// statement's transaction (under Tx) to forget them again at its commit.
func (db *DB) watchPrincipalTables() {
	after := func(tx *gorm.DB) {
		if tx.Error != nil || tx.Statement == nil || !writesPrincipals(tx.Statement) {
			return
		}
		db.principals.forget()
		if ctx := tx.Statement.Context; ctx != nil {
			if p, ok := ctx.Value(pendingLogKey{}).(*pendingLog); ok {
				p.principals = true
			}
		}
	}
	created := func(tx *gorm.DB) {
		// A new session (a login) makes no kept principal stale: it is
		// not one of theirs.
		if tx.Statement == nil || tx.Statement.Table != "sessions" {
			after(tx)
		}
	}
	cb := db.Callback()
	_ = cb.Create().After("gorm:create").Register("tepai:principals", created)
	_ = cb.Update().After("gorm:update").Register("tepai:principals", after)
	_ = cb.Delete().After("gorm:delete").Register("tepai:principals", after)
	_ = cb.Raw().After("gorm:raw").Register("tepai:principals", after)
}

// writesPrincipals reports whether the statement writes a table a
// principal is read from: a statement of gorm's model API by its table,
// SQL written out (Exec, which names no table) when it is not a SELECT
// and names one (as the schema does, in lower case; stat_commissioners is
// another table).
func writesPrincipals(st *gorm.Statement) bool {
	if st.Table != "" {
		for _, t := range principalTables {
			if st.Table == t || strings.HasPrefix(st.Table, t+" ") {
				return true
			}
		}
		return false
	}
	sql := strings.TrimLeft(st.SQL.String(), " \t\r\n(")
	if len(sql) < 6 || strings.EqualFold(sql[:6], "SELECT") {
		return false
	}
	for _, t := range principalTables {
		if namesTable(sql, t) {
			return true
		}
	}
	return false
}

// namesTable reports whether sql holds t as a whole name.
func namesTable(sql, t string) bool {
	for from := 0; ; {
		i := strings.Index(sql[from:], t)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(t)
		if (i == 0 || !nameByte(sql[i-1])) && (end == len(sql) || !nameByte(sql[end])) {
			return true
		}
		from = end
	}
}

func nameByte(b byte) bool {
	return b == '_' || b == '$' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

// cachedPrincipalOf answers LoadPrincipal from the cache, and returns the
// generation a load must be kept under.
func (db *DB) cachedPrincipalOf(userID, sessionID string) (*Principal, uint64) {
	gen := db.principals.gen.Load()
	if p, ok := db.principals.get(principalKey{userID, sessionID}, time.Now()); ok {
		return &p, gen
	}
	return nil, gen
}
