package models

import (
	"context"
	"fmt"
	"reflect"
	"strings"
)

// ReadCache holds what a batch of changes (a sync push) reads, loaded up
// front with one query per kind, so that checking fifty changes is a
// handful of round trips rather than hundreds. Carried in a context
// (WithReadCache), it answers LoadRecord, GetRegion, CommissionerHome and
// AssignedWithin for what it holds; everything else goes to the database.
// It belongs to one request and is not safe for concurrent use.
type ReadCache struct {
	// records holds, per model type, the ids asked for: the stored record
	// (deleted ones included), or nil when there is none.
	records map[reflect.Type]map[string]Record
	regions map[string]*Region
	// commissioner, home and spans describe the caller as a commissioner.
	commissioner string
	home         string
	spans        []assignmentSpan
}

// assignmentSpan is one live assignment of the cached commissioner.
type assignmentSpan struct {
	VillageCode, StartDate, EndDate string
}

type readCacheKey struct{}

// NewReadCache returns an empty cache.
func NewReadCache() *ReadCache {
	return &ReadCache{records: map[reflect.Type]map[string]Record{}, regions: map[string]*Region{}}
}

// WithReadCache returns ctx carrying c.
func WithReadCache(ctx context.Context, c *ReadCache) context.Context {
	return context.WithValue(ctx, readCacheKey{}, c)
}

func readCacheOf(ctx context.Context) *ReadCache {
	c, _ := ctx.Value(readCacheKey{}).(*ReadCache)
	return c
}

// CacheRecords loads the records with ids (deleted ones included) into the
// cache; slice points to an empty slice of the model (e.g. *[]Visit).
func (db *DB) CacheRecords(ctx context.Context, c *ReadCache, slice any, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	if err := db.LoadRecords(ctx, slice, ids); err != nil {
		return err
	}
	typ := reflect.PointerTo(reflect.TypeOf(slice).Elem().Elem())
	m := c.records[typ]
	if m == nil {
		m = map[string]Record{}
		c.records[typ] = m
	}
	for _, id := range ids {
		m[id] = nil
	}
	for _, rec := range Records(slice) {
		m[rec.RecordMeta().ID] = rec
	}
	return nil
}

// CacheRegions loads the regions with codes into the cache.
func (db *DB) CacheRegions(ctx context.Context, c *ReadCache, codes []string) error {
	if len(codes) == 0 {
		return nil
	}
	var rs []Region
	if err := db.WithContext(ctx).Where("code IN ?", codes).Find(&rs).Error; err != nil {
		return fmt.Errorf("load regions: %w", err)
	}
	for _, code := range codes {
		c.regions[code] = nil
	}
	for i := range rs {
		c.regions[rs[i].Code] = &rs[i]
	}
	return nil
}

// CacheCommissioner loads a commissioner's home region and its live
// assignments, direct or through a live team, into the cache.
func (db *DB) CacheCommissioner(ctx context.Context, c *ReadCache, commissionerID string) error {
	home, err := db.CommissionerHome(ctx, commissionerID)
	if err != nil {
		return err
	}
	teams := db.Table("team_members tm").Select("tm.team_id").
		Joins("JOIN teams t ON t.id = tm.team_id AND t.deleted_at IS NULL").
		Where("tm.commissioner_id = ?", commissionerID)
	var spans []assignmentSpan
	err = db.WithContext(ctx).Table("assignments").Select("village_code, start_date, end_date").
		Where("deleted_at IS NULL").
		Where(db.Where("commissioner_id = ?", commissionerID).Or("team_id <> '' AND team_id IN (?)", teams)).
		Find(&spans).Error
	if err != nil {
		return fmt.Errorf("assignments of %s: %w", commissionerID, err)
	}
	c.commissioner, c.home, c.spans = commissionerID, home, spans
	return nil
}

// cachedRecord copies the cached record id of m's type into m; known is
// false when the cache was not asked for it, found false when it is not
// stored.
func (c *ReadCache) cachedRecord(m Record, id string) (known, found bool) {
	if c == nil {
		return false, false
	}
	rec, known := c.records[reflect.TypeOf(m)][id]
	if !known || rec == nil {
		return known, false
	}
	reflect.ValueOf(m).Elem().Set(reflect.ValueOf(rec).Elem())
	return true, true
}

// CachedRecord fills m with the record id (deleted ones included) when the
// context's cache holds it, and reports whether it did.
func CachedRecord(ctx context.Context, m Record, id string) bool {
	_, found := readCacheOf(ctx).cachedRecord(m, id)
	return found
}

// assignedWithin answers AssignedWithin from the cache; ok is false when
// the cache does not describe the commissioner.
func (c *ReadCache) assignedWithin(commissionerID, code, date string) (assigned, ok bool) {
	if c == nil || c.commissioner == "" || c.commissioner != commissionerID {
		return false, false
	}
	for _, s := range c.spans {
		if strings.HasPrefix(s.VillageCode, code) && s.StartDate <= date && (s.EndDate == "" || s.EndDate >= date) {
			return true, true
		}
	}
	return false, true
}
