package handlers_test

import (
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// Villages of 华埠镇 (330824115), Kaihua, used by the evaluation fixture.
const (
	village200 = "330824115200" // 华阳村
	village201 = "330824115201"
	village202 = "330824115202"
	village203 = "330824115203"
	village204 = "330824115204"
	village205 = "330824115205"
	village206 = "330824115206"
	village207 = "330824115207"
	village208 = "330824115208"
)

var evalZone = time.FixedZone("CST", 8*3600)

// recs inserts field records straight into the database, as the records
// endpoints would store them, for one commissioner.
type recs struct {
	t  *testing.T
	db *gorm.DB
	c  *models.Commissioner
}

func newRecs(t *testing.T, env *testenv.Env, c *models.Commissioner) *recs {
	return &recs{t: t, db: env.DB().DB, c: c}
}

func (r *recs) meta() models.Meta {
	now := models.Now()
	return models.Meta{ID: models.NewID(), CommissionerID: r.c.ID, Version: 1, CreatedAt: now, UpdatedAt: now}
}

func (r *recs) create(v any) {
	r.t.Helper()
	if err := r.db.Create(v).Error; err != nil {
		r.t.Fatalf("insert %T: %v", v, err)
	}
}

// shanghai parses "2006-01-02 15:04" in Asia/Shanghai.
func shanghai(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.ParseInLocation("2006-01-02 15:04", s, evalZone)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// visit logs a visit at the Shanghai time at (visit_date is its Shanghai
// date), with technologies, varieties and flags as given.
func (r *recs) visit(village, at string, tech, vars, flags []string) *models.Visit {
	r.t.Helper()
	start := shanghai(r.t, at)
	v := &models.Visit{Meta: r.meta(), VillageCode: village, StartedAt: start.UTC(), EndedAt: start.Add(time.Hour).UTC(),
		VisitDate: start.Format("2006-01-02"), Category: "栽培技术", Technologies: tech, Varieties: vars, Flags: flags,
		FarmersServed: 3, ReceivedAt: models.Now()}
	r.create(v)
	return v
}

// days logs one plain visit per day from the Shanghai date first on, n days.
func (r *recs) days(village, first string, n int) {
	r.t.Helper()
	d := shanghai(r.t, first+" 09:00")
	for i := 0; i < n; i++ {
		r.visit(village, d.AddDate(0, 0, i).Format("2006-01-02 15:04"), nil, nil, nil)
	}
}

func (r *recs) training(date string, attendees int, tech []string) {
	r.t.Helper()
	at := shanghai(r.t, date+" 14:00")
	r.create(&models.Training{Meta: r.meta(), RegionCode: "330824115", Title: "茶叶栽培培训", HeldAt: at.UTC(),
		HeldDate: date, Hours: 2, Attendees: attendees, Technologies: tech})
}

func (r *recs) plot(village string, area float64, established, tech, variety string) *models.Plot {
	r.t.Helper()
	p := &models.Plot{Meta: r.meta(), VillageCode: village, Name: "示范田", Crop: "茶叶", Variety: variety,
		Technology: tech, AreaMu: area, EstablishedOn: established}
	r.create(p)
	return p
}

func (r *recs) harvest(p *models.Plot, on string, perMu int64) {
	r.t.Helper()
	r.create(&models.Harvest{Meta: r.meta(), PlotID: p.ID, Season: on[:4], HarvestedOn: on, IncomeIncreaseFenPerMu: perMu})
}

// household adds a household with a baseline and, when income ≥ 0, an
// income for year.
func (r *recs) household(baselineYear int, baseline int64, year int, income int64) {
	r.t.Helper()
	h := &models.Household{Meta: r.meta(), VillageCode: village200, HeadName: "农户", Members: 4,
		BaselineYear: baselineYear, BaselineIncomeFen: baseline}
	r.create(h)
	if income >= 0 {
		r.create(&models.Income{Meta: r.meta(), HouseholdID: h.ID, Year: year, IncomeFen: income})
	}
}

// demand adds a demand claimed by the commissioner, resolved at the
// Shanghai time resolved ("" leaves it claimed).
func (r *recs) demand(resolved string) {
	r.t.Helper()
	d := &models.Demand{Meta: r.meta(), RaisedBy: "township", RegionCode: "330824115", Title: "茶园病虫害",
		Status: models.DemandClaimed, ClaimedBy: r.c.ID}
	if resolved != "" {
		at := shanghai(r.t, resolved).UTC()
		d.Status, d.ResolvedAt, d.ClaimedAt = models.DemandResolved, &at, &at
	}
	r.create(d)
}

func (r *recs) assign(village, start, end string) {
	r.t.Helper()
	r.create(&models.Assignment{ID: models.NewID(), CommissionerID: r.c.ID, VillageCode: village, StartDate: start, EndDate: end, Version: 1})
}

// teamAssign makes a team with the commissioner as chief and assigns it
// to village from start.
func (r *recs) teamAssign(village, start string) {
	r.t.Helper()
	team := &models.Team{ID: models.NewID(), Name: "茶叶服务团", RegionCode: "330824", Version: 1}
	r.create(team)
	r.create(&models.TeamMember{TeamID: team.ID, CommissionerID: r.c.ID, Chief: true})
	r.create(&models.Assignment{ID: models.NewID(), TeamID: team.ID, VillageCode: village, StartDate: start, Version: 1})
}
