package handlers

import (
	"time"

	"github.com/tepai/tepai/models"
)

// trainingSpec describes training sessions (培训): a commissioner's own
// records, held in a village or a township, listed by when they were held.
func trainingSpec() *spec {
	sp := &spec{
		typ: TypeTraining, path: "/trainings", idParam: "id", codeCol: "region_code", orderCol: "held_at",
		orderOf:  func(m models.Record) time.Time { return m.(*models.Training).HeldAt },
		newModel: func() models.Record { return &models.Training{} },
		newSlice: func() any { return &[]models.Training{} },
		newDTO:   func() recordDTO { return &trainingDTO{} },
		code:     func(m models.Record) string { return m.(*models.Training).RegionCode },
		filters:  []string{"region", "commissioner_id", "period"},
	}
	return sp.ownedBy()
}

// trainingDTO is the body of a training.
type trainingDTO struct {
	ID             string   `json:"id"`
	RegionCode     string   `json:"region_code"`
	Title          string   `json:"title"`
	HeldAt         Instant  `json:"held_at"`
	Hours          float64  `json:"hours"`
	Attendees      int64    `json:"attendees"`
	WomenAttendees *int64   `json:"women_attendees"`
	Topics         []string `json:"topics"`
	Technologies   []string `json:"technologies"`
}

func (d *trainingDTO) ident() *string { return &d.ID }

// check validates a training: a village or township in the caller's
// service area, a title, a time, 0–24 hours, attendees (women among them
// no more than all) and bounded lists.
func (d *trainingDTO) check(ck *checker) {
	ck.instant("held_at", d.HeldAt, true)
	date := ""
	if !ck.fields.Has("held_at") {
		date = LocalDate(d.HeldAt.T)
	}
	ck.region("region_code", d.RegionCode, []string{models.LevelTownship, models.LevelVillage}, date)
	ck.text("title", d.Title, 200, true)
	if d.Hours <= 0 || d.Hours > 24 {
		ck.add("hours", "须大于 0 且不超过 24", "must be more than 0 and at most 24")
	}
	ck.intIn("attendees", d.Attendees, 0, 100000)
	if d.WomenAttendees != nil {
		ck.intIn("women_attendees", *d.WomenAttendees, 0, 100000)
		if *d.WomenAttendees > d.Attendees {
			ck.add("women_attendees", "不能多于 attendees", "must not exceed attendees")
		}
	}
	ck.list("topics", d.Topics, 50, 100)
	ck.list("technologies", d.Technologies, 50, 100)
}

// store writes a checked training into m; held_date is the Asia/Shanghai
// date it was held.
func (d *trainingDTO) store(m models.Record, ck *checker) {
	t := m.(*models.Training)
	t.RegionCode, t.Title = d.RegionCode, trim(d.Title)
	t.HeldAt, t.HeldDate = d.HeldAt.T, LocalDate(d.HeldAt.T)
	t.Hours, t.Attendees = d.Hours, int(d.Attendees)
	t.WomenAttendees = nil
	if d.WomenAttendees != nil {
		n := int(*d.WomenAttendees)
		t.WomenAttendees = &n
	}
	t.Topics, t.Technologies = cleanList(d.Topics), cleanList(d.Technologies)
}
