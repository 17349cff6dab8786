package models

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// CommissionerHome returns the home region code of a live commissioner, or
// "" when there is no such commissioner.
func (db *DB) CommissionerHome(ctx context.Context, commissionerID string) (string, error) {
	if c := readCacheOf(ctx); c != nil && c.commissioner != "" && c.commissioner == commissionerID {
		return c.home, nil
	}
	var c Commissioner
	err := db.WithContext(ctx).Select("region_code").Where("id = ?", commissionerID).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("commissioner home %s: %w", commissionerID, err)
	}
	return c.RegionCode, nil
}

// activeAssignments selects the live assignments of a commissioner, made to
// it directly or to a live team it belongs to, active on date (YYYY-MM-DD).
func (db *DB) activeAssignments(ctx context.Context, commissionerID, date string) *gorm.DB {
	teams := db.Table("team_members tm").Select("tm.team_id").
		Joins("JOIN teams t ON t.id = tm.team_id AND t.deleted_at IS NULL").
		Where("tm.commissioner_id = ?", commissionerID)
	return db.WithContext(ctx).Table("assignments").
		Where("deleted_at IS NULL AND start_date <= ? AND (end_date = '' OR end_date >= ?)", date, date).
		Where(db.Where("commissioner_id = ?", commissionerID).
			Or("team_id <> '' AND team_id IN (?)", teams))
}

// AssignedWithin reports whether a village inside the region code is
// assigned to the commissioner (directly or through a team) on date.
func (db *DB) AssignedWithin(ctx context.Context, commissionerID, code, date string) (bool, error) {
	if assigned, ok := readCacheOf(ctx).assignedWithin(commissionerID, code, date); ok {
		return assigned, nil
	}
	var row struct{ N int }
	q := InRegion(db.activeAssignments(ctx, commissionerID, date), "village_code", code)
	res := q.Select("1 AS n").Limit(1).Scan(&row)
	if res.Error != nil {
		return false, fmt.Errorf("assignments of %s: %w", commissionerID, res.Error)
	}
	return res.RowsAffected > 0, nil
}

// AssignedVillages lists the villages assigned to the commissioner
// (directly or through a team) on date.
func (db *DB) AssignedVillages(ctx context.Context, commissionerID, date string) ([]string, error) {
	var codes []string
	err := db.activeAssignments(ctx, commissionerID, date).Distinct().Pluck("village_code", &codes).Error
	if err != nil {
		return nil, fmt.Errorf("assigned villages of %s: %w", commissionerID, err)
	}
	return codes, nil
}

// TeamRegion returns the region code of a live team; found is false when
// there is no such team.
func (db *DB) TeamRegion(ctx context.Context, teamID string) (code string, found bool, err error) {
	var t Team
	err = db.WithContext(ctx).Select("region_code").Where("id = ?", teamID).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("team %s: %w", teamID, err)
	}
	return t.RegionCode, true, nil
}

// IsTeamMember reports whether the commissioner belongs to the team.
func (db *DB) IsTeamMember(ctx context.Context, teamID, commissionerID string) (bool, error) {
	var n int64
	err := db.WithContext(ctx).Model(&TeamMember{}).
		Where("team_id = ? AND commissioner_id = ?", teamID, commissionerID).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("team member %s: %w", teamID, err)
	}
	return n > 0, nil
}
