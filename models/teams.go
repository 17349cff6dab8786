package models

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/tepai/tepai/apierr"
	"gorm.io/gorm"
)

// TeamView is a team with its members; chiefs are members too.
type TeamView struct {
	Team
	ChiefIDs  []string         `json:"chief_ids"`
	MemberIDs []string         `json:"member_ids"`
	Members   []TeamMemberView `json:"members"`
}

// TeamMemberView is one member of a team as responses show it.
type TeamMemberView struct {
	CommissionerID string `json:"commissioner_id"`
	Name           string `json:"name"`
	Chief          bool   `json:"chief"`
}

// CreateTeam stores t with its chiefs and members (chiefs are members
// too). t.ID is the client's id when it sent one: a team already stored
// under it with the same name, region, chiefs and members is answered
// as it is (created false), a retry of a create whose answer was lost or
// a form sent twice; with anything else it is 409. Without an id the
// team gets a new one.
func (db *DB) CreateTeam(ctx context.Context, t *Team, chiefIDs, memberIDs []string) (view *TeamView, created bool, err error) {
	if t.ID == "" {
		t.ID = NewID()
	}
	t.Version = 1
	chief := map[string]bool{}
	for _, id := range chiefIDs {
		chief[id] = true
	}
	rows := make([]TeamMember, 0, len(chiefIDs)+len(memberIDs))
	seen := map[string]bool{}
	for _, id := range append(append([]string{}, chiefIDs...), memberIDs...) {
		if !seen[id] {
			seen[id] = true
			rows = append(rows, TeamMember{TeamID: t.ID, CommissionerID: id, Chief: chief[id]})
		}
	}
	// Two retries racing each other both find no team; the second insert
	// then fails on the primary key, and its second attempt finds the
	// first's team.
	for attempt := 0; ; attempt++ {
		created, err = db.createTeamOnce(ctx, t, rows)
		if attempt == 0 && IsDuplicate(err) {
			continue
		}
		break
	}
	if err != nil {
		return nil, false, err
	}
	views := []TeamView{{Team: *t}}
	if err := db.withMembers(ctx, views); err != nil {
		return nil, false, err
	}
	return &views[0], created, nil
}

// createTeamOnce stores the team and its member rows in one transaction,
// or, when a team with t.ID exists, checks that it is the same team and
// fills t from it.
func (db *DB) createTeamOnce(ctx context.Context, t *Team, rows []TeamMember) (created bool, err error) {
	err = db.Tx(ctx, func(tx *gorm.DB) error {
		created = false
		var old Team
		err := tx.Where("id = ?", t.ID).Take(&old).Error
		switch {
		case err == nil:
			var members []TeamMember
			if err := tx.Where("team_id = ?", t.ID).Find(&members).Error; err != nil {
				return fmt.Errorf("find members of team %s: %w", t.ID, err)
			}
			if old.Name != t.Name || old.RegionCode != t.RegionCode || !sameMembers(members, rows) {
				return apierr.Conflict("同一 id 的团队内容不同", "a team with this id and other content exists")
			}
			*t = old
			return nil
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return fmt.Errorf("find team %s: %w", t.ID, err)
		}
		if err := tx.Create(t).Error; err != nil {
			return fmt.Errorf("create team: %w", err)
		}
		if err := tx.Create(&rows).Error; err != nil {
			return fmt.Errorf("create team members: %w", err)
		}
		created = true
		return nil
	})
	return created, err
}

// sameMembers reports whether two sets of member rows name the same
// commissioners with the same chiefs.
func sameMembers(a, b []TeamMember) bool {
	if len(a) != len(b) {
		return false
	}
	chief := make(map[string]bool, len(a))
	for _, m := range a {
		chief[m.CommissionerID] = m.Chief
	}
	for _, m := range b {
		if c, ok := chief[m.CommissionerID]; !ok || c != m.Chief {
			return false
		}
	}
	return true
}

// ListTeams returns a page of the teams p may see, by id, those based in
// or assigned to region when it is set, each with its members.
func (db *DB) ListTeams(ctx context.Context, p *Principal, region, after string, limit int) (items []TeamView, next string, err error) {
	var teams []Team
	q := teamsIn(teamsVisible(db.WithContext(ctx).Model(&Team{}), p), region)
	if err := pageAfter(q, "teams.id", after, limit).Find(&teams).Error; err != nil {
		return nil, "", fmt.Errorf("list teams: %w", err)
	}
	teams, next = trimPage(teams, limit, func(t Team) string { return t.ID })
	items = make([]TeamView, len(teams))
	for i, t := range teams {
		items[i] = TeamView{Team: t}
	}
	return items, next, db.withMembers(ctx, items)
}

// TeamVisible reports whether p may see team id.
func (db *DB) TeamVisible(ctx context.Context, p *Principal, id string) (bool, error) {
	var n int64
	if err := teamsVisible(db.WithContext(ctx).Model(&Team{}), p).Where("teams.id = ?", id).Count(&n).Error; err != nil {
		return false, fmt.Errorf("find team %s: %w", id, err)
	}
	return n > 0, nil
}

// withMembers fills in the members of teams, chiefs first, then by name.
func (db *DB) withMembers(ctx context.Context, teams []TeamView) error {
	if len(teams) == 0 {
		return nil
	}
	ids := make([]string, len(teams))
	byID := map[string]*TeamView{}
	for i := range teams {
		ids[i] = teams[i].ID
		byID[teams[i].ID] = &teams[i]
		teams[i].ChiefIDs, teams[i].MemberIDs, teams[i].Members = []string{}, []string{}, []TeamMemberView{}
	}
	var rows []struct {
		TeamID, CommissionerID, Name string
		Chief                        bool
	}
	err := db.WithContext(ctx).Table("team_members tm").Select("tm.team_id, tm.commissioner_id, c.name, tm.chief").
		Joins("JOIN commissioners c ON c.id = tm.commissioner_id").
		Where("tm.team_id IN ?", ids).Find(&rows).Error
	if err != nil {
		return fmt.Errorf("load team members: %w", err)
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Chief != rows[j].Chief {
			return rows[i].Chief
		}
		if rows[i].Name != rows[j].Name {
			return rows[i].Name < rows[j].Name
		}
		return rows[i].CommissionerID < rows[j].CommissionerID
	})
	for _, r := range rows {
		t := byID[r.TeamID]
		t.Members = append(t.Members, TeamMemberView{CommissionerID: r.CommissionerID, Name: r.Name, Chief: r.Chief})
		t.MemberIDs = append(t.MemberIDs, r.CommissionerID)
		if r.Chief {
			t.ChiefIDs = append(t.ChiefIDs, r.CommissionerID)
		}
	}
	return nil
}
