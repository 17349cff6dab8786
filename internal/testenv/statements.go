package testenv

import (
	"net/http"
	"sync"
	"sync/atomic"

	"gorm.io/gorm"
)

// statementCounter counts the SQL statements run on behalf of HTTP requests
// while it is on. It is registered before the server and its background
// workers start: GORM's callback chains may not change while statements run.
type statementCounter struct {
	on    atomic.Bool
	kinds map[string]*atomic.Int64
	mu    sync.Mutex
	texts []string
}

func installStatementCounter(db *gorm.DB) (*statementCounter, error) {
	sc := &statementCounter{kinds: map[string]*atomic.Int64{}}
	cb := db.Callback()
	for _, chain := range []struct {
		kind string
		at   interface {
			Register(string, func(*gorm.DB)) error
		}
	}{
		{"query", cb.Query().After("gorm:query")},
		{"create", cb.Create().After("gorm:create")},
		{"update", cb.Update().After("gorm:update")},
		{"delete", cb.Delete().After("gorm:delete")},
		{"row", cb.Row().After("gorm:row")},
		{"raw", cb.Raw().After("gorm:raw")},
	} {
		n := &atomic.Int64{}
		sc.kinds[chain.kind] = n
		err := chain.at.Register("testenv:count_statements", func(d *gorm.DB) {
			if !sc.on.Load() || d.DryRun { // subqueries are built, not run
				return
			}
			// Only statements of a request: background workers poll on
			// their own contexts and would make the count depend on timing.
			if ctx := d.Statement.Context; ctx == nil || ctx.Value(http.ServerContextKey) == nil {
				return
			}
			n.Add(1)
			sc.mu.Lock()
			sc.texts = append(sc.texts, d.Statement.SQL.String())
			sc.mu.Unlock()
		})
		if err != nil {
			return nil, err
		}
	}
	return sc, nil
}

// CountStatements runs fn and returns how many SQL statements the server ran
// for HTTP requests meanwhile, in all and by kind (transactions' BEGIN and
// COMMIT aside). Calls on one Env must not overlap.
func (e *Env) CountStatements(fn func()) (total int64, byKind map[string]int64) {
	sc := e.statements
	for _, n := range sc.kinds {
		n.Store(0)
	}
	sc.mu.Lock()
	sc.texts = nil
	sc.mu.Unlock()
	sc.on.Store(true)
	fn()
	sc.on.Store(false)
	byKind = map[string]int64{}
	for kind, n := range sc.kinds {
		byKind[kind] = n.Load()
		total += n.Load()
	}
	return total, byKind
}

// Statements runs fn and returns the SQL of the statements the server ran
// for HTTP requests meanwhile, in the order they ended (BEGIN and COMMIT
// aside). Calls on one Env must not overlap.
func (e *Env) Statements(fn func()) []string {
	e.CountStatements(fn)
	sc := e.statements
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return append([]string(nil), sc.texts...)
}
