package models

import (
	"context"
	"fmt"
)

// CountVisibleHouseholds counts the distinct live households among ids
// that p may name in a record: a commissioner its own, an admin any.
// Other roles record no visits and see none here.
func (db *DB) CountVisibleHouseholds(ctx context.Context, p *Principal, ids []string) (int, error) {
	q := db.WithContext(ctx).Model(&Household{}).Where("id IN ?", ids)
	switch {
	case p.Role == RoleAdmin:
	case p.Role == RoleCommissioner && p.CommissionerID != "":
		q = q.Where("commissioner_id = ?", p.CommissionerID)
	default:
		return 0, nil
	}
	var n int64
	if err := q.Distinct("id").Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count households: %w", err)
	}
	return int(n), nil
}
