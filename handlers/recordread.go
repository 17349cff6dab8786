package handlers

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// readable loads the live record id that p may see; parentID, when given,
// must be its parent. Anything else is 404, so that nothing outside the
// caller's scope is revealed.
func (r *Records) readable(ctx context.Context, p *models.Principal, sp *spec, id, parentID string) (models.Record, error) {
	m := sp.newModel()
	err := r.db.LoadRecord(ctx, m, id, false)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apierr.NotFound()
	}
	if err != nil {
		return nil, err
	}
	if parentID != "" && sp.parentOf(m) != parentID {
		return nil, apierr.NotFound()
	}
	fillLists(m)
	seen, err := r.visible(ctx, p, sp, m)
	if err != nil {
		return nil, err
	}
	if !seen {
		return nil, apierr.NotFound()
	}
	return m, nil
}

// writable is readable, then 403 unless may allows p the change.
func (r *Records) writable(ctx context.Context, p *models.Principal, sp *spec, id, parentID string, may func(*models.Principal, models.Record) bool) (models.Record, error) {
	m, err := r.readable(ctx, p, sp, id, parentID)
	if err != nil {
		return nil, err
	}
	if !may(p, m) {
		return nil, apierr.Forbidden()
	}
	return m, nil
}

// visible reports whether p may see m: admins everything, bureau and
// township users what lies in their region, commissioners their own
// records (and, for demands, what the type allows).
func (r *Records) visible(ctx context.Context, p *models.Principal, sp *spec, m models.Record) (bool, error) {
	switch p.Role {
	case models.RoleAdmin:
		return true, nil
	case models.RoleBureau, models.RoleTownship:
		code, err := r.regionOf(ctx, r.db.DB, sp, m)
		return err == nil && p.Sees(code), err
	case models.RoleCommissioner:
		if sp.commissionerSees != nil {
			return sp.commissionerSees(ctx, r.db, p, m)
		}
		return ownsRecord(p, m), nil
	}
	return false, nil
}

// regionOf returns the region code of m; a child's is its parent's.
func (r *Records) regionOf(ctx context.Context, tx *gorm.DB, sp *spec, m models.Record) (string, error) {
	if sp.parent == nil {
		return sp.code(m), nil
	}
	par := sp.parent.newModel()
	if models.CachedRecord(ctx, par, sp.parentOf(m)) {
		return r.regionOf(ctx, tx, sp.parent, par)
	}
	err := tx.WithContext(ctx).Unscoped().Where("id = ?", sp.parentOf(m)).Take(par).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("load parent of %s %s: %w", sp.typ, m.RecordMeta().ID, err)
	}
	return r.regionOf(ctx, tx, sp.parent, par)
}

// listQuery is a list request: its filters and page.
type listQuery struct {
	region, commissionerID, status string
	from, to                       time.Time
	parentID                       string
	page                           Page
}

// list answers one page of the records of sp that p may see, newest first,
// with the cursor of the next page ("" on the last).
func (r *Records) list(ctx context.Context, p *models.Principal, sp *spec, q listQuery) ([]models.Record, string, error) {
	db, err := r.listQuery(ctx, p, sp, q)
	if err != nil {
		return nil, "", err
	}
	if db, err = afterCursor(db, sp, q.page.Cursor); err != nil {
		return nil, "", err
	}
	dst := sp.newSlice()
	err = db.Limit(q.page.Limit + 1).Find(dst).Error
	if err != nil {
		return nil, "", fmt.Errorf("list %s: %w", sp.typ, err)
	}
	recs, next := models.Records(dst), ""
	for _, m := range recs {
		fillLists(m)
	}
	if len(recs) > q.page.Limit {
		recs = recs[:q.page.Limit]
		last := recs[len(recs)-1]
		next = encodeCursor(sp.orderOf(last), last.RecordMeta().ID)
	}
	return recs, next, nil
}

// listQuery selects every record of sp that p may see and q's filters
// keep, newest first: a list's pages and its exports read the same rows.
func (r *Records) listQuery(ctx context.Context, p *models.Principal, sp *spec, q listQuery) (*gorm.DB, error) {
	db, err := r.listRows(ctx, p, sp, q)
	if err != nil {
		return nil, err
	}
	return db.Order(sp.orderCol + " DESC").Order("id DESC"), nil
}

// listRows is listQuery without an order, for exports that page on the
// list's keyset themselves.
func (r *Records) listRows(ctx context.Context, p *models.Principal, sp *spec, q listQuery) (*gorm.DB, error) {
	db := r.db.WithContext(ctx).Model(sp.newModel())
	var err error
	if sp.parent != nil {
		db = db.Where(sp.parentCol+" = ?", q.parentID)
	} else if db, err = r.listScope(ctx, p, sp, db); err != nil {
		return nil, err
	}
	return r.listFilters(sp, db, q), nil
}

// listScope limits a list to what p may see.
func (r *Records) listScope(ctx context.Context, p *models.Principal, sp *spec, db *gorm.DB) (*gorm.DB, error) {
	switch p.Role {
	case models.RoleAdmin:
		return db, nil
	case models.RoleBureau, models.RoleTownship:
		return models.InRegion(db, sp.codeCol, p.RegionCode), nil
	case models.RoleCommissioner:
		if sp.commissionerList != nil {
			return sp.commissionerList(ctx, r.db, p, db)
		}
		return db.Where("commissioner_id = ?", p.CommissionerID), nil
	}
	return db.Where("1 = 0"), nil
}

// listFilters applies the list's query filters.
func (r *Records) listFilters(sp *spec, db *gorm.DB, q listQuery) *gorm.DB {
	if q.region != "" {
		db = models.InRegion(db, sp.codeCol, q.region)
	}
	if q.commissionerID != "" {
		db = db.Where("commissioner_id = ?", q.commissionerID)
	}
	if q.status != "" {
		db = db.Where("status = ?", q.status)
	}
	if !q.from.IsZero() {
		db = db.Where(sp.orderCol+" >= ?", q.from)
	}
	if !q.to.IsZero() {
		db = db.Where(sp.orderCol+" < ?", q.to)
	}
	return db
}

// afterCursor limits a list to the records after the cursor's, in the
// list's order (newest first, then by id).
func afterCursor(db *gorm.DB, sp *spec, cursor string) (*gorm.DB, error) {
	if cursor == "" {
		return db, nil
	}
	at, id, ok := decodeCursor(cursor)
	if !ok {
		return nil, apierr.BadRequest("cursor 无效", "invalid cursor")
	}
	col := sp.orderCol
	return db.Where("("+col+" < ? OR ("+col+" = ? AND id < ?))", at, at, id), nil
}

// encodeCursor makes the opaque cursor that resumes a list after (at, id).
func encodeCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(at.UTC().Format(time.RFC3339Nano) + "|" + id))
}

// decodeCursor reads a cursor made by encodeCursor.
func decodeCursor(s string) (time.Time, string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return time.Time{}, "", false
	}
	at, id, ok := strings.Cut(string(b), "|")
	t, err := time.Parse(time.RFC3339Nano, at)
	if !ok || err != nil || id == "" {
		return time.Time{}, "", false
	}
	return t.UTC(), id, true
}

// fillLists replaces nil lists of strings in m by empty ones, so that a
// record renders its lists as [] however its row was written.
func fillLists(m models.Record) {
	v := reflect.ValueOf(m).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if f.Kind() == reflect.Slice && f.IsNil() && f.Type().Elem().Kind() == reflect.String {
			f.Set(reflect.MakeSlice(f.Type(), 0, 0))
		}
	}
}
