package models

import "gorm.io/gorm"

// Scope of people, teams and assignments, as conditions added to queries.
//
// A bureau or township user sees the commissioners who serve its region:
// those whose home region lies in it, and those assigned (directly or
// through a team) to a village in it. It sees the teams based in its region
// or assigned to a village in it, and the assignments to its villages. A
// commissioner sees itself, its teams and its assignments (direct or
// through its teams). Admins see everything.

// ManagesPeopleIn reports whether the principal may create or change
// users, commissioners, teams and assignments in region code: an admin
// anywhere, a bureau inside its subtree.
func (p *Principal) ManagesPeopleIn(code string) bool {
	switch p.Role {
	case RoleAdmin:
		return true
	case RoleBureau:
		return p.Sees(code)
	}
	return false
}

// liveAssignmentIn is the subquery condition "a live assignment to a
// village in [lo, hi)" for an assignments table aliased a.
const liveAssignmentIn = "a.deleted_at IS NULL AND a.village_code >= ? AND a.village_code < ?"

// commissionersIn keeps the commissioners who serve region prefix: home
// region in it, or assigned to a village in it, directly or through a team.
func commissionersIn(q *gorm.DB, prefix string) *gorm.DB {
	if prefix == "" {
		return q
	}
	lo, hi := PrefixRange(prefix)
	return q.Where("(commissioners.region_code >= ? AND commissioners.region_code < ?"+
		" OR commissioners.id IN (SELECT a.commissioner_id FROM assignments a WHERE "+liveAssignmentIn+")"+
		" OR commissioners.id IN (SELECT tm.commissioner_id FROM team_members tm JOIN assignments a ON a.team_id = tm.team_id WHERE "+liveAssignmentIn+"))",
		lo, hi, lo, hi, lo, hi)
}

// commissionersVisible keeps the commissioners p may read.
func commissionersVisible(q *gorm.DB, p *Principal) *gorm.DB {
	switch p.Role {
	case RoleAdmin:
		return q
	case RoleBureau, RoleTownship:
		return commissionersIn(q, p.RegionCode)
	case RoleCommissioner:
		return q.Where("commissioners.id = ?", p.CommissionerID)
	}
	return q.Where("1 = 0")
}

// teamsIn keeps the teams based in region prefix or assigned to a village
// in it.
func teamsIn(q *gorm.DB, prefix string) *gorm.DB {
	if prefix == "" {
		return q
	}
	lo, hi := PrefixRange(prefix)
	return q.Where("(teams.region_code >= ? AND teams.region_code < ?"+
		" OR teams.id IN (SELECT a.team_id FROM assignments a WHERE "+liveAssignmentIn+"))", lo, hi, lo, hi)
}

// teamsVisible keeps the teams p may read.
func teamsVisible(q *gorm.DB, p *Principal) *gorm.DB {
	switch p.Role {
	case RoleAdmin:
		return q
	case RoleBureau, RoleTownship:
		return teamsIn(q, p.RegionCode)
	case RoleCommissioner:
		return q.Where("teams.id IN (SELECT team_id FROM team_members WHERE commissioner_id = ?)", p.CommissionerID)
	}
	return q.Where("1 = 0")
}

// assignmentsOf keeps the assignments of commissioner id, directly or
// through its teams.
func assignmentsOf(q *gorm.DB, id string) *gorm.DB {
	return q.Where("(assignments.commissioner_id = ? OR assignments.team_id IN (SELECT team_id FROM team_members WHERE commissioner_id = ?))", id, id)
}

// assignmentsVisible keeps the assignments p may read.
func assignmentsVisible(q *gorm.DB, p *Principal) *gorm.DB {
	switch p.Role {
	case RoleAdmin:
		return q
	case RoleBureau, RoleTownship:
		return InRegion(q, "assignments.village_code", p.RegionCode)
	case RoleCommissioner:
		return assignmentsOf(q, p.CommissionerID)
	}
	return q.Where("1 = 0")
}

// pageAfter adds keyset paging on col: rows after the cursor id, limit+1
// of them so that the caller can tell whether there is a next page.
func pageAfter(q *gorm.DB, col, after string, limit int) *gorm.DB {
	if after != "" {
		q = q.Where(col+" > ?", after)
	}
	return q.Order(col).Limit(limit + 1)
}

// trimPage cuts rows to limit and returns the id to continue after ("" on
// the last page).
func trimPage[T any](rows []T, limit int, id func(T) string) ([]T, string) {
	if len(rows) <= limit {
		return rows, ""
	}
	rows = rows[:limit]
	return rows, id(rows[limit-1])
}
