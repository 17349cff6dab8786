package handlers

import (
	"github.com/tepai/tepai/models"
)

// projectSpec describes commissioner projects (科技特派员项目) with their
// funds: created by a commissioner for itself, or by a bureau (or an
// admin) for a commissioner or a team in its region; changed by the owner,
// the bureau or an admin.
func projectSpec() *spec {
	office := func(p *models.Principal) bool {
		return p.Role == models.RoleAdmin || p.Role == models.RoleBureau
	}
	may := func(p *models.Principal, m models.Record) bool { return office(p) || ownsRecord(p, m) }
	return &spec{
		typ: TypeProject, path: "/projects", idParam: "id", codeCol: "region_code", orderCol: "created_at",
		orderOf:  createdAt,
		newModel: func() models.Record { return &models.Project{} },
		newSlice: func() any { return &[]models.Project{} },
		newDTO:   func() recordDTO { return &projectDTO{} },
		code:     func(m models.Record) string { return m.(*models.Project).RegionCode },
		creates:  func(p *models.Principal) bool { return office(p) || isCommissioner(p) },
		changes:  may,
		removes:  may,
		filters:  []string{"region", "commissioner_id"},
	}
}

// maxFundsFen bounds a project's funds: 100 亿元.
const maxFundsFen = 1000000000000

// projectDTO is the body of a project.
type projectDTO struct {
	ID             string `json:"id"`
	CommissionerID string `json:"commissioner_id"`
	TeamID         string `json:"team_id"`
	RegionCode     string `json:"region_code"`
	Title          string `json:"title"`
	FundsFen       int64  `json:"funds_fen"`
	StartDate      string `json:"start_date"`
	EndDate        string `json:"end_date"`
}

func (d *projectDTO) ident() *string { return &d.ID }

// check validates a project: a region of any level the caller may write
// in, a title, bounded funds, an end not before the start, and an owner —
// the calling commissioner itself, or for offices a live commissioner or
// team.
func (d *projectDTO) check(ck *checker) {
	ck.region("region_code", d.RegionCode,
		[]string{models.LevelProvince, models.LevelCity, models.LevelCounty, models.LevelTownship, models.LevelVillage}, "")
	ck.text("title", d.Title, 200, true)
	ck.intIn("funds_fen", d.FundsFen, 0, maxFundsFen)
	ck.date("start_date", d.StartDate, false, false)
	ck.date("end_date", d.EndDate, false, false)
	if d.StartDate != "" && d.EndDate != "" && d.EndDate < d.StartDate {
		ck.add("end_date", "不能早于 start_date", "must not be before start_date")
	}
	d.checkOwner(ck)
	if d.TeamID != "" {
		d.checkTeam(ck)
	}
}

// checkOwner checks commissioner_id: a commissioner's own project stays
// its own; an office names a live commissioner, or a team instead.
func (d *projectDTO) checkOwner(ck *checker) {
	if isCommissioner(ck.p) {
		own := ck.p.CommissionerID
		if ck.old != nil {
			own = ck.old.RecordMeta().CommissionerID
		}
		if d.CommissionerID != "" && d.CommissionerID != own {
			ck.add("commissioner_id", "不能指定其他特派员", "cannot name another commissioner")
		}
		return
	}
	if d.CommissionerID == "" {
		if d.TeamID == "" {
			ck.add("commissioner_id", "须指定特派员或团队（team_id）", "a commissioner or a team (team_id) is required")
		}
		return
	}
	ok, err := ck.db.Exists(ck.ctx, "commissioners", "id = ?", d.CommissionerID)
	ck.fail(err)
	if err == nil && !ok {
		ck.add("commissioner_id", "特派员不存在", "no such commissioner")
	}
}

// checkTeam checks team_id: a live team, which a commissioner must belong
// to and an office must have in its region.
func (d *projectDTO) checkTeam(ck *checker) {
	code, found, err := ck.db.TeamRegion(ck.ctx, d.TeamID)
	if err != nil {
		ck.fail(err)
		return
	}
	ok := found
	if found && isCommissioner(ck.p) {
		ok, err = ck.db.IsTeamMember(ck.ctx, d.TeamID, ck.p.CommissionerID)
		ck.fail(err)
	} else if found {
		ok = ck.p.Sees(code)
	}
	if !ok {
		ck.add("team_id", "团队不存在", "no such team")
	}
}

// store writes a checked project into m.
func (d *projectDTO) store(m models.Record, ck *checker) {
	p := m.(*models.Project)
	if !isCommissioner(ck.p) {
		p.CommissionerID = d.CommissionerID
	}
	p.TeamID, p.RegionCode, p.Title = d.TeamID, d.RegionCode, trim(d.Title)
	p.FundsFen, p.StartDate, p.EndDate = d.FundsFen, d.StartDate, d.EndDate
}
