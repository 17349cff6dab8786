package models

import (
	"context"
	"fmt"
	"sort"

	"gorm.io/gorm"
)

// PullScope says which changes of the log a caller may pull: everything
// (All), a region's subtree (Region), or a commissioner's own changes and
// those of its teams.
type PullScope struct {
	All            bool
	Region         string
	CommissionerID string
	TeamIDs        []string
}

// PullScopeOf returns the pull scope of a caller: admins pull everything,
// bureau and township users their region's subtree, commissioners their own
// records and the assignments (with villages) of themselves and their teams.
func (db *DB) PullScopeOf(ctx context.Context, p *Principal) (PullScope, error) {
	switch p.Role {
	case RoleAdmin:
		return PullScope{All: true}, nil
	case RoleBureau, RoleTownship:
		return PullScope{Region: p.RegionCode}, nil
	}
	s := PullScope{CommissionerID: p.CommissionerID}
	if s.CommissionerID == "" {
		return s, nil
	}
	err := db.WithContext(ctx).Table("team_members m").Joins("JOIN teams t ON t.id = m.team_id AND t.deleted_at IS NULL").
		Where("m.commissioner_id = ?", s.CommissionerID).Order("m.team_id").Pluck("m.team_id", &s.TeamIDs).Error
	if err != nil {
		return s, fmt.Errorf("load teams of %s: %w", s.CommissionerID, err)
	}
	return s, nil
}

// ChangesIn returns up to limit change-log rows the scope may see with
// after < seq ≤ upto, in seq order.
func (db *DB) ChangesIn(ctx context.Context, s PullScope, after, upto int64, limit int) ([]ChangeRow, error) {
	page := func(q *gorm.DB) ([]ChangeRow, error) {
		var rows []ChangeRow
		err := q.Where("seq > ? AND seq <= ?", after, upto).Order("seq").Limit(limit).Find(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("read change log: %w", err)
		}
		return rows, nil
	}
	q := db.WithContext(ctx).Model(&ChangeRow{})
	switch {
	case s.All:
		return page(q)
	case s.CommissionerID == "" && s.Region == "":
		return nil, nil
	case s.CommissionerID == "":
		return page(InRegion(q, "region_code", s.Region))
	}
	// Two index range scans merged here rather than one OR, which neither
	// dialect serves from an index in seq order.
	own, err := page(q.Where("commissioner_id = ?", s.CommissionerID))
	if err != nil || len(s.TeamIDs) == 0 {
		return own, err
	}
	teams, err := page(db.WithContext(ctx).Model(&ChangeRow{}).Where("team_id IN ?", s.TeamIDs))
	if err != nil {
		return nil, err
	}
	return mergeSeq(own, teams, limit), nil
}

// mergeSeq merges two seq-ordered lists without duplicates, keeping the
// first limit rows.
func mergeSeq(a, b []ChangeRow, limit int) []ChangeRow {
	all := append(append([]ChangeRow{}, a...), b...)
	sort.Slice(all, func(i, j int) bool { return all[i].Seq < all[j].Seq })
	var out []ChangeRow
	for _, r := range all {
		if len(out) > 0 && out[len(out)-1].Seq == r.Seq {
			continue
		}
		out = append(out, r)
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// ChangeAt returns the change-log row with seq, nil when there is none.
func (db *DB) ChangeAt(ctx context.Context, seq int64) (*ChangeRow, error) {
	var rows []ChangeRow
	if err := db.WithContext(ctx).Where("seq = ?", seq).Limit(1).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read change %d: %w", seq, err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return &rows[0], nil
}
