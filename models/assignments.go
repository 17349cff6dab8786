package models

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/tepai/tepai/apierr"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
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
//
// A commissioner or team holds a village once at any time: an assignment
// whose period overlaps a live one of the same assignee to the same
// village is refused (422 on start_date, naming it), so that a form sent
// twice or a retried request stores it once. The village's row is locked
// first, so that two such requests at once queue and the second sees the
// first.
func (db *DB) CreateAssignment(ctx context.Context, actor *Principal, requestID string, a *Assignment) error {
	return db.CreateAssignments(ctx, actor, requestID, []*Assignment{a})
}

// CreateAssignments stores several assignments in one transaction, each as
// CreateAssignment does: when one is refused, none is stored. Villages are
// locked in code order, so that two batches never wait on each other in a
// circle.
func (db *DB) CreateAssignments(ctx context.Context, actor *Principal, requestID string, as []*Assignment) error {
	now := Now()
	for _, a := range as {
		a.ID, a.Version, a.CreatedAt, a.UpdatedAt = NewID(), 1, now, now
	}
	sorted := slices.Clone(as)
	slices.SortStableFunc(sorted, func(x, y *Assignment) int { return strings.Compare(x.VillageCode, y.VillageCode) })
	return db.Tx(ctx, func(tx *gorm.DB) error {
		for _, a := range sorted {
			if err := createAssignment(tx, actor, requestID, a); err != nil {
				return err
			}
		}
		return nil
	})
}

func createAssignment(tx *gorm.DB, actor *Principal, requestID string, a *Assignment) error {
	var village Region
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("code").Where("code = ?", a.VillageCode).Take(&village).Error; err != nil {
		return fmt.Errorf("lock village %s: %w", a.VillageCode, err)
	}
	q := tx.Model(&Assignment{}).Where("village_code = ? AND deleted_at IS NULL", a.VillageCode).
		Where("(end_date = '' OR end_date >= ?)", a.StartDate)
	if a.EndDate != "" {
		q = q.Where("start_date <= ?", a.EndDate)
	}
	if a.TeamID != "" {
		q = q.Where("team_id = ?", a.TeamID)
	} else {
		q = q.Where("commissioner_id = ? AND team_id = ''", a.CommissionerID)
	}
	var held []Assignment
	if err := q.Order("start_date").Limit(1).Find(&held).Error; err != nil {
		return fmt.Errorf("find overlapping assignment: %w", err)
	}
	if len(held) > 0 {
		h := held[0]
		until := h.EndDate
		if until == "" {
			until = "…"
		}
		return apierr.Invalid("start_date",
			fmt.Sprintf("村 %s 在此期间已有相同的联系（%s 至 %s，id %s）", a.VillageCode, h.StartDate, until, h.ID),
			fmt.Sprintf("the same assignee already holds village %s over part of this period (%s to %s, id %s)", a.VillageCode, h.StartDate, until, h.ID))
	}
	if err := tx.Create(a).Error; err != nil {
		return fmt.Errorf("create assignment: %w", err)
	}
	return RecordChange(tx, Change{Type: "assignment", ID: a.ID, Action: ActionCreate, Actor: actor, RequestID: requestID,
		CommissionerID: a.CommissionerID, RegionCode: a.VillageCode, After: a})
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
