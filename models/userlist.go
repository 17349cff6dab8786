package models

import (
	"context"
	"fmt"
)

// UsersIn lists, by name, up to limit of the users whose scope region lies
// in region and that p may see: an admin every one, a bureau or township
// user those inside its own region; commissioners see none.
func (db *DB) UsersIn(ctx context.Context, p *Principal, region string, limit int) ([]User, error) {
	q := db.WithContext(ctx).Model(&User{})
	switch p.Role {
	case RoleAdmin:
	case RoleBureau, RoleTownship:
		q = InRegion(q, "region_code", p.RegionCode)
	default:
		return nil, nil
	}
	var out []User
	if err := InRegion(q, "region_code", region).Order("name, id").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("users in %s: %w", region, err)
	}
	return out, nil
}
