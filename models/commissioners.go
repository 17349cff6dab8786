package models

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// ErrCommissionerStale is a change of a commissioner based on a version
// that is no longer the stored one.
var ErrCommissionerStale = errors.New("stale commissioner version")

// CreateCommissioner stores a commissioner and its login in one
// transaction; a phone already taken is ErrDuplicatePhone.
func (db *DB) CreateCommissioner(ctx context.Context, u *User, c *Commissioner) error {
	return db.Tx(ctx, func(tx *gorm.DB) error {
		u.Role = RoleCommissioner
		if err := createUser(tx, u); err != nil {
			return err
		}
		c.ID, c.UserID, c.Phone, c.Name, c.Version = NewID(), u.ID, u.Phone, u.Name, 1
		if err := tx.Create(c).Error; err != nil {
			return fmt.Errorf("create commissioner: %w", err)
		}
		return nil
	})
}

// CommissionerFilter narrows a commissioner list: Region keeps those who
// serve the region (home or assigned there), Batch those of a batch.
type CommissionerFilter struct {
	Region, Batch string
}

// ListCommissioners returns a page of the commissioners p may see, by id,
// after the id after; next is the id to continue after ("" at the end).
func (db *DB) ListCommissioners(ctx context.Context, p *Principal, f CommissionerFilter, after string, limit int) (items []Commissioner, next string, err error) {
	q := commissionersVisible(db.WithContext(ctx).Model(&Commissioner{}), p)
	q = commissionersIn(q, f.Region)
	if f.Batch != "" {
		q = q.Where("commissioners.batch = ?", f.Batch)
	}
	if err := pageAfter(q, "commissioners.id", after, limit).Find(&items).Error; err != nil {
		return nil, "", fmt.Errorf("list commissioners: %w", err)
	}
	items, next = trimPage(items, limit, func(c Commissioner) string { return c.ID })
	return items, next, nil
}

// GetCommissioner loads a commissioner p may see; gorm.ErrRecordNotFound
// when there is none or it lies outside p's scope.
func (db *DB) GetCommissioner(ctx context.Context, p *Principal, id string) (*Commissioner, error) {
	return getCommissioner(db.WithContext(ctx), p, id)
}

func getCommissioner(tx *gorm.DB, p *Principal, id string) (*Commissioner, error) {
	var c Commissioner
	if err := commissionersVisible(tx.Model(&Commissioner{}), p).Where("commissioners.id = ?", id).Take(&c).Error; err != nil {
		return nil, fmt.Errorf("get commissioner %s: %w", id, err)
	}
	return &c, nil
}

// VisibleCommissionerNames returns the names of those of ids p may see,
// by id, in one query.
func (db *DB) VisibleCommissionerNames(ctx context.Context, p *Principal, ids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var cs []Commissioner
	q := commissionersVisible(db.WithContext(ctx).Model(&Commissioner{}), p).Select("commissioners.id", "commissioners.name")
	if err := q.Where("commissioners.id IN ?", ids).Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("commissioner names: %w", err)
	}
	for _, c := range cs {
		out[c.ID] = c.Name
	}
	return out, nil
}

// CountVisibleCommissioners counts how many of ids are distinct
// commissioners p may see.
func (db *DB) CountVisibleCommissioners(ctx context.Context, p *Principal, ids []string) (int, error) {
	var n int64
	q := commissionersVisible(db.WithContext(ctx).Model(&Commissioner{}), p).Where("commissioners.id IN ?", ids)
	if err := q.Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count commissioners: %w", err)
	}
	return int(n), nil
}

// UpdateCommissioner applies change to a commissioner p may see, when its
// stored version is base (any version when base is 0). A stale base is
// ErrCommissionerStale, returned with the stored commissioner; the name is
// copied to the login too.
func (db *DB) UpdateCommissioner(ctx context.Context, p *Principal, id string, base int, change func(*Commissioner) error) (*Commissioner, error) {
	var out *Commissioner
	err := db.Tx(ctx, func(tx *gorm.DB) error {
		c, err := getCommissioner(tx, p, id)
		if err != nil {
			return err
		}
		out = c
		if base != 0 && base != c.Version {
			return ErrCommissionerStale
		}
		next := *c
		if err := change(&next); err != nil {
			return err
		}
		next.Version, next.UpdatedAt = c.Version+1, Now()
		res := tx.Model(&Commissioner{}).Where("id = ? AND version = ?", id, c.Version).Select(
			"name", "level", "organization", "specialty", "batch", "term_start", "term_end", "region_code", "version", "updated_at").Updates(&next)
		if res.Error != nil {
			return fmt.Errorf("update commissioner %s: %w", id, res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrCommissionerStale
		}
		if err := tx.Model(&User{}).Where("id = ?", c.UserID).Updates(map[string]any{"name": next.Name, "updated_at": next.UpdatedAt}).Error; err != nil {
			return fmt.Errorf("rename user of %s: %w", id, err)
		}
		out = &next
		return nil
	})
	return out, err
}
