package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// AssignmentFilter narrows an assignment list: Region keeps assignments to
// villages in it, CommissionerID those of a commissioner (directly or
// through its teams).
type AssignmentFilter struct {
	Region, CommissionerID string
}

// CreateAssignment stores an assignment and records the change in the
// same transaction. A team assignment's change carries no commissioner;
// its village says who may pull it.
func (db *DB) CreateAssignment(ctx context.Context, actor *Principal, requestID string, a *Assignment) error {
	now := Now()
	a.ID, a.Version, a.CreatedAt, a.UpdatedAt = NewID(), 1, now, now
	return db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(a).Error; err != nil {
			return fmt.Errorf("create assignment: %w", err)
		}
		return RecordChange(tx, Change{Type: "assignment", ID: a.ID, Action: ActionCreate, Actor: actor, RequestID: requestID,
			CommissionerID: a.CommissionerID, RegionCode: a.VillageCode, After: a})
	})
}

// ListAssignments returns a page of the live assignments p may see, by id.
func (db *DB) ListAssignments(ctx context.Context, p *Principal, f AssignmentFilter, after string, limit int) (items []Assignment, next string, err error) {
	q := assignmentsVisible(db.WithContext(ctx).Model(&Assignment{}), p)
	q = InRegion(q, "assignments.village_code", f.Region)
	if f.CommissionerID != "" {
		q = assignmentsOf(q, f.CommissionerID)
	}
	if err := pageAfter(q, "assignments.id", after, limit).Find(&items).Error; err != nil {
		return nil, "", fmt.Errorf("list assignments: %w", err)
	}
	items, next = trimPage(items, limit, func(a Assignment) string { return a.ID })
	return items, next, nil
}

// DeleteAssignment soft-deletes a live assignment p may change (its
// village in p's managed region) and records the change in the same
// transaction; gorm.ErrRecordNotFound when there is none.
func (db *DB) DeleteAssignment(ctx context.Context, p *Principal, requestID, id string) error {
	return db.Tx(ctx, func(tx *gorm.DB) error {
		var old Assignment
		if err := assignmentsVisible(tx.Model(&Assignment{}), p).Where("assignments.id = ?", id).Take(&old).Error; err != nil {
			return fmt.Errorf("find assignment %s: %w", id, err)
		}
		if !p.ManagesPeopleIn(old.VillageCode) {
			return fmt.Errorf("delete assignment %s: %w", id, gorm.ErrRecordNotFound)
		}
		now := Now()
		res := tx.Model(&Assignment{}).Where("id = ? AND version = ?", id, old.Version).
			Updates(map[string]any{"deleted_at": now, "updated_at": now, "version": old.Version + 1})
		if res.Error != nil {
			return fmt.Errorf("delete assignment %s: %w", id, res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("delete assignment %s: %w", id, gorm.ErrRecordNotFound)
		}
		return RecordChange(tx, Change{Type: "assignment", ID: id, Action: ActionDelete, Actor: p, RequestID: requestID,
			CommissionerID: old.CommissionerID, RegionCode: old.VillageCode, Before: &old})
	})
}
