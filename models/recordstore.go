package models

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"gorm.io/gorm"
)

// LoadRecord loads the record with id into m, a pointer to a zero model;
// soft-deleted records only when withDeleted. A missing record is
// gorm.ErrRecordNotFound.
func (db *DB) LoadRecord(ctx context.Context, m Record, id string, withDeleted bool) error {
	if known, found := readCacheOf(ctx).cachedRecord(m, id); known {
		if !found || (!withDeleted && m.RecordMeta().DeletedAt.Valid) {
			return fmt.Errorf("load %T %s: %w", m, id, gorm.ErrRecordNotFound)
		}
		return nil
	}
	q := db.WithContext(ctx)
	if withDeleted {
		q = q.Unscoped()
	}
	if err := q.Where("id = ?", id).Take(m).Error; err != nil {
		return fmt.Errorf("load %T %s: %w", m, id, err)
	}
	return nil
}

// LoadRecords loads the records with ids, deleted ones included, into the
// slice dst points to (e.g. *[]Visit).
func (db *DB) LoadRecords(ctx context.Context, dst any, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	if err := db.WithContext(ctx).Unscoped().Where("id IN ?", ids).Find(dst).Error; err != nil {
		return fmt.Errorf("load records: %w", err)
	}
	return nil
}

// UpdateRecord writes every field of m over the stored, live record when it
// is still at version base; it reports false when another change came
// first. m carries its new version and updated_at.
func UpdateRecord(tx *gorm.DB, m Record, base int) (bool, error) {
	res := tx.Model(m).Where("version = ?", base).
		Select("*").Omit("id", "created_at", "create_hash", "deleted_at").Updates(m)
	if res.Error != nil {
		return false, fmt.Errorf("update %T: %w", m, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// SoftDeleteRecord marks the live record m deleted at at, one version up,
// when it is still at version base; it reports false when another change
// came first. m is updated to match.
func SoftDeleteRecord(tx *gorm.DB, m Record, base int, at time.Time) (bool, error) {
	res := tx.Model(m).Where("version = ?", base).
		Updates(map[string]any{"deleted_at": at, "version": base + 1, "updated_at": at})
	if res.Error != nil {
		return false, fmt.Errorf("delete %T: %w", m, res.Error)
	}
	meta := m.RecordMeta()
	meta.Version, meta.UpdatedAt = base+1, at
	meta.DeletedAt = gorm.DeletedAt{Time: at, Valid: true}
	return res.RowsAffected == 1, nil
}

// LiveChildren loads the live records whose parentCol is parentID into the
// slice dst points to.
func LiveChildren(tx *gorm.DB, dst any, parentCol, parentID string) error {
	if err := tx.Where(parentCol+" = ?", parentID).Order("id").Find(dst).Error; err != nil {
		return fmt.Errorf("load children: %w", err)
	}
	return nil
}

// Records returns the elements of a slice of models (e.g. []Visit) as
// Records pointing into it.
func Records(slice any) []Record {
	v := reflect.Indirect(reflect.ValueOf(slice))
	out := make([]Record, v.Len())
	for i := range out {
		out[i] = v.Index(i).Addr().Interface().(Record)
	}
	return out
}

// CloneRecord returns a shallow copy of m; callers replace, never mutate,
// its slices and pointers.
func CloneRecord(m Record) Record {
	v := reflect.ValueOf(m).Elem()
	c := reflect.New(v.Type())
	c.Elem().Set(v)
	return c.Interface().(Record)
}

// Exists reports whether a live row of table matches the condition.
func (db *DB) Exists(ctx context.Context, table, cond string, args ...any) (bool, error) {
	var row struct{ N int }
	res := db.WithContext(ctx).Table(table).Select("1 AS n").Where(cond, args...).
		Where("deleted_at IS NULL").Limit(1).Scan(&row)
	if res.Error != nil {
		return false, fmt.Errorf("look up %s: %w", table, res.Error)
	}
	return res.RowsAffected > 0, nil
}
