package handlers

import (
	"context"
	"sync"
)

// lookupCache remembers the scope lookups of validation — which regions
// exist, commissioners' home regions, assignment checks — across the
// changes of one batch (a sync push), so that a batch of changes in the
// same villages asks the database once.
type lookupCache struct {
	mu      sync.Mutex
	regions map[string]bool
	homes   map[string]string
	assigns map[string]bool
}

type lookupCacheKey struct{}

// WithLookupCache returns a context under which Apply remembers validation
// lookups; use it for the changes of one request, not longer (assignments
// change).
func WithLookupCache(ctx context.Context) context.Context {
	return context.WithValue(ctx, lookupCacheKey{}, &lookupCache{
		regions: map[string]bool{}, homes: map[string]string{}, assigns: map[string]bool{},
	})
}

// cacheOf returns ctx's lookup cache, or nil.
func cacheOf(ctx context.Context) *lookupCache {
	c, _ := ctx.Value(lookupCacheKey{}).(*lookupCache)
	return c
}

// remember returns m[key] when known, else fills it with load.
func remember[V any](c *lookupCache, m map[string]V, key string, load func() (V, error)) (V, error) {
	if c != nil {
		c.mu.Lock()
		v, ok := m[key]
		c.mu.Unlock()
		if ok {
			return v, nil
		}
	}
	v, err := load()
	if err == nil && c != nil {
		c.mu.Lock()
		m[key] = v
		c.mu.Unlock()
	}
	return v, err
}

// The maps of a cache, nil without one.
func regionsOf(c *lookupCache) map[string]bool {
	if c == nil {
		return nil
	}
	return c.regions
}

func homesOf(c *lookupCache) map[string]string {
	if c == nil {
		return nil
	}
	return c.homes
}

func assignsOf(c *lookupCache) map[string]bool {
	if c == nil {
		return nil
	}
	return c.assigns
}

// regionSet remembers, for as long as the server runs, region codes found
// to exist: regions are imported and upserted, never removed, so a code
// once found stays valid, and a single-record write need not ask the
// database again. Codes not found are not remembered (an import may add
// them). It holds at most maxKnownRegions codes.
type regionSet struct {
	mu    sync.RWMutex
	codes map[string]struct{}
}

// maxKnownRegions bounds regionSet: more than a province's villages.
const maxKnownRegions = 100_000

func newRegionSet() *regionSet { return &regionSet{codes: map[string]struct{}{}} }

func (s *regionSet) has(code string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.codes[code]
	return ok
}

func (s *regionSet) add(code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.codes) < maxKnownRegions {
		s.codes[code] = struct{}{}
	}
}
