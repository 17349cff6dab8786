package handlers

import (
	"strings"
	"time"

	"github.com/tepai/tepai/models"
)

// visitSpec describes field visits (服务日志/现场指导): a commissioner's own
// records, in a village, listed by start time.
func visitSpec() *spec {
	sp := &spec{
		typ: TypeVisit, path: "/visits", idParam: "id", codeCol: "village_code", orderCol: "started_at",
		orderOf:  func(m models.Record) time.Time { return m.(*models.Visit).StartedAt },
		newModel: func() models.Record { return &models.Visit{} },
		newSlice: func() any { return &[]models.Visit{} },
		newDTO:   func() recordDTO { return &visitDTO{} },
		code:     func(m models.Record) string { return m.(*models.Visit).VillageCode },
		filters:  []string{"region", "commissioner_id", "period"},
	}
	return sp.ownedBy()
}

// visitDTO is the body of a visit.
type visitDTO struct {
	ID            string   `json:"id"`
	VillageCode   string   `json:"village_code"`
	StartedAt     Instant  `json:"started_at"`
	EndedAt       Instant  `json:"ended_at"`
	Lat           *float64 `json:"lat"`
	Lng           *float64 `json:"lng"`
	AccuracyM     *float64 `json:"accuracy_m"`
	Category      string   `json:"category"`
	Crops         []string `json:"crops"`
	Problem       string   `json:"problem"`
	Advice        string   `json:"advice"`
	FarmersServed int64    `json:"farmers_served"`
	HouseholdIDs  []string `json:"household_ids"`
	Leaflets      int64    `json:"leaflets"`
	Technologies  []string `json:"technologies"`
	Varieties     []string `json:"varieties"`
	Notes         string   `json:"notes"`
	DeviceTime    *Instant `json:"device_time"`
}

func (d *visitDTO) ident() *string { return &d.ID }

// check validates a visit: a village in the caller's service area on the
// day of the visit, a start and an end at most 24 hours apart, a point in
// China, and bounded texts, lists and counts.
func (d *visitDTO) check(ck *checker) {
	ck.region("village_code", d.VillageCode, []string{models.LevelVillage}, d.checkSpan(ck))
	ck.point(d.Lat, d.Lng)
	if d.AccuracyM != nil {
		ck.numIn("accuracy_m", *d.AccuracyM, 0, 100000)
	}
	ck.text("category", d.Category, 50, true)
	ck.list("crops", d.Crops, 50, 50)
	ck.text("problem", d.Problem, 5000, false)
	ck.text("advice", d.Advice, 5000, false)
	ck.text("notes", d.Notes, 5000, false)
	ck.intIn("farmers_served", d.FarmersServed, 0, 100000)
	ck.uuidList("household_ids", d.HouseholdIDs, 50)
	ck.intIn("leaflets", d.Leaflets, 0, 1000000)
	ck.list("technologies", d.Technologies, 50, 100)
	ck.list("varieties", d.Varieties, 50, 100)
	if d.DeviceTime != nil && d.DeviceTime.Set() {
		checkDeviceTime(ck, *d.DeviceTime)
	}
}

// checkSpan checks the start and end times and returns the visit's date
// ("" when the start is bad).
func (d *visitDTO) checkSpan(ck *checker) string {
	ck.instant("started_at", d.StartedAt, true)
	ck.instant("ended_at", d.EndedAt, true)
	if ck.fields.Has("started_at") {
		return ""
	}
	if !ck.fields.Has("ended_at") {
		span := d.EndedAt.T.Sub(d.StartedAt.T)
		if span < 0 {
			ck.add("ended_at", "不能早于 started_at", "must not be before started_at")
		} else if span > 24*time.Hour {
			ck.add("ended_at", "不能晚于 started_at 24 小时以上", "must be at most 24 hours after started_at")
		}
	}
	return LocalDate(d.StartedAt.T)
}

// checkDeviceTime accepts any well-formed device clock reading from 1970
// to 2100: a wrong clock is evidence, not an error.
func checkDeviceTime(ck *checker, t Instant) {
	if t.Bad || t.T.Year() < 1970 || t.T.Year() > 2100 {
		ck.add("device_time", "须为 1970 到 2100 年间的 RFC 3339 时间", "must be an RFC 3339 time from 1970 to 2100")
	}
}

// store writes a checked visit into m. visit_date is the start's date in
// Asia/Shanghai; received_at is when the server first got the visit.
func (d *visitDTO) store(m models.Record, ck *checker) {
	v := m.(*models.Visit)
	v.VillageCode = d.VillageCode
	v.StartedAt, v.EndedAt = d.StartedAt.T, d.EndedAt.T
	v.VisitDate = LocalDate(d.StartedAt.T)
	v.Lat, v.Lng, v.AccuracyM = d.Lat, d.Lng, d.AccuracyM
	v.Category = strings.TrimSpace(d.Category)
	v.Crops = cleanList(d.Crops)
	v.Problem, v.Advice = strings.TrimSpace(d.Problem), strings.TrimSpace(d.Advice)
	v.FarmersServed, v.Leaflets = int(d.FarmersServed), int(d.Leaflets)
	v.HouseholdIDs = cleanList(d.HouseholdIDs)
	v.Technologies, v.Varieties = cleanList(d.Technologies), cleanList(d.Varieties)
	v.Notes = strings.TrimSpace(d.Notes)
	v.DeviceTime = nil
	if d.DeviceTime != nil && d.DeviceTime.Set() {
		t := d.DeviceTime.T
		v.DeviceTime = &t
	}
	if ck.creating() {
		v.ReceivedAt = ck.now
		v.Flags = []string{}
	}
}
