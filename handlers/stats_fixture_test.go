package handlers_test

import (
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// statsZone is Asia/Shanghai; fixture times are written as the phone shows them.
var statsZone = time.FixedZone("CST", 8*3600)

func statsAt(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, statsZone)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// recorder writes records the way the record handlers do: the row and its
// change (audit, change log, rollups) in one transaction.
type recorder struct {
	t   testing.TB
	env *testenv.Env
}

func (r recorder) create(rec any)           { r.env.Write(models.ActionCreate, nil, rec) }
func (r recorder) update(before, after any) { r.env.Write(models.ActionUpdate, before, after) }
func (r recorder) remove(rec any)           { r.env.Write(models.ActionDelete, rec, nil) }

func meta(c *models.Commissioner) models.Meta {
	return models.Meta{ID: models.NewID(), CommissionerID: c.ID, Version: 1}
}

func visit(c *models.Commissioner, village, start string, farmers, leaflets int, techs, varieties []string) *models.Visit {
	s := statsAt(start)
	return &models.Visit{Meta: meta(c), VillageCode: village, StartedAt: s, EndedAt: s.Add(time.Hour),
		VisitDate: s.In(statsZone).Format(time.DateOnly), FarmersServed: farmers, Leaflets: leaflets,
		Technologies: techs, Varieties: varieties, ReceivedAt: models.Now()}
}

func training(c *models.Commissioner, region, held string, attendees int, techs []string) *models.Training {
	h := statsAt(held)
	return &models.Training{Meta: meta(c), RegionCode: region, Title: "实用技术培训", HeldAt: h,
		HeldDate: h.In(statsZone).Format(time.DateOnly), Hours: 2, Attendees: attendees, Technologies: techs}
}

// fixture is the Kaihua County (330824) statistics fixture; the expected
// figures in stats_test.go are worked out by hand from it.
type fixture struct {
	env        *testenv.Env
	bureau     string // token of a bureau user at 330824
	hetian     string // token of a township user at 何田乡 330824208
	worker     string // token of commissioner A
	a, b, c, d *models.Commissioner
}

func newFixture(t *testing.T, env *testenv.Env) *fixture {
	f := &fixture{env: env}
	f.bureau = env.NewUser(models.RoleBureau, "330824").Token
	f.hetian = env.NewUser(models.RoleTownship, "330824208").Token
	pa := env.NewUser(models.RoleCommissioner, "330824115") // 华埠镇
	f.worker, f.a = pa.Token, pa.Commissioner
	f.b = env.NewUser(models.RoleCommissioner, "330824116").Commissioner // 马金镇
	f.c = env.NewUser(models.RoleCommissioner, "330824208").Commissioner // 何田乡
	f.d = env.NewUser(models.RoleCommissioner, "330824117").Commissioner // 池淮镇, term ended 2022
	e := env.NewUser(models.RoleCommissioner, "33").Commissioner         // province-based, serves Kaihua
	db := env.DB()
	set := func(c *models.Commissioner, cols map[string]any) {
		if err := db.Model(c).Updates(cols).Error; err != nil {
			t.Fatal(err)
		}
	}
	set(f.a, map[string]any{"level": models.CommissionerProvince})
	set(f.b, map[string]any{"level": models.CommissionerCity})
	set(f.d, map[string]any{"term_start": "2020-01-01", "term_end": "2022-12-31"})
	set(e, map[string]any{"level": models.CommissionerProvince})
	r := recorder{t, env}
	team := f.teams(t)
	f.assignments(r, team, e)
	f.visits(r)
	f.trainingsAndPlots(r)
	f.incomes(r)
	f.projectsAndDemands(r, team)
	return f
}

// teams: T (何田乡, members B as chief and C); a deleted team in the county.
func (f *fixture) teams(t *testing.T) string {
	db := f.env.DB()
	now := models.Now()
	team := models.Team{ID: models.NewID(), Name: "何田乡茶叶服务团", RegionCode: "330824208", Version: 1, CreatedAt: now, UpdatedAt: now}
	gone := models.Team{ID: models.NewID(), Name: "已撤销团队", RegionCode: "330824", Version: 1, CreatedAt: now, UpdatedAt: now}
	members := []models.TeamMember{{TeamID: team.ID, CommissionerID: f.b.ID, Chief: true}, {TeamID: team.ID, CommissionerID: f.c.ID}}
	if err := db.Create(&[]models.Team{team, gone}).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Create(&members).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Delete(&gone).Error; err != nil {
		t.Fatal(err)
	}
	return team.ID
}
