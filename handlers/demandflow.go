package handlers

import (
	"github.com/tepai/tepai/models"
)

// demandDTO is the body of a demand.
type demandDTO struct {
	ID          string `json:"id"`
	RegionCode  string `json:"region_code"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Category    string `json:"category"`
	Status      string `json:"status"`
	ClaimedBy   string `json:"claimed_by"`
	Resolution  string `json:"resolution"`
}

func (d *demandDTO) ident() *string { return &d.ID }

// check validates a demand: its content (a township or village in the
// raising office's region, a title, bounded texts), changed only by an
// office while the demand is open; and its status, which moves only
// open → claimed (by a commissioner) → resolved (by the claimer, with a
// resolution).
func (d *demandDTO) check(ck *checker) {
	if d.Status == "" {
		d.Status = models.DemandOpen
	}
	if !contains([]string{models.DemandOpen, models.DemandClaimed, models.DemandResolved}, d.Status) {
		ck.add("status", "须为 open、claimed 或 resolved", "must be open, claimed or resolved")
	}
	ck.text("resolution", d.Resolution, 5000, false)
	old, _ := ck.old.(*models.Demand)
	if old == nil {
		old = &models.Demand{Status: models.DemandOpen}
		d.checkContent(ck)
	} else if d.contentChanged(old) {
		d.checkContentChange(ck, old)
	}
	if !ck.fields.Has("status") {
		d.checkFlow(ck, old)
	}
}

// checkContent validates the fields an office writes.
func (d *demandDTO) checkContent(ck *checker) {
	ck.region("region_code", d.RegionCode, []string{models.LevelTownship, models.LevelVillage}, "")
	ck.text("title", d.Title, 200, true)
	ck.text("description", d.Description, 5000, false)
	ck.text("category", d.Category, 50, false)
}

// contentChanged reports whether the office-written fields differ from old.
func (d *demandDTO) contentChanged(old *models.Demand) bool {
	return d.RegionCode != old.RegionCode || trim(d.Title) != old.Title ||
		trim(d.Description) != old.Description || trim(d.Category) != old.Category
}

// checkContentChange allows offices to change an open demand's content.
func (d *demandDTO) checkContentChange(ck *checker, old *models.Demand) {
	switch {
	case isCommissioner(ck.p):
		ck.add("title", "只有提出需求的单位可以修改需求内容", "only the office that raised the demand may change its content")
	case old.Status != models.DemandOpen:
		ck.add("title", "需求已被认领，不能再修改内容", "the demand was claimed; its content can no longer change")
	default:
		d.checkContent(ck)
	}
}

// checkFlow checks the status move from old and the fields that go with it.
func (d *demandDTO) checkFlow(ck *checker, old *models.Demand) {
	claimer := old.ClaimedBy
	switch {
	case d.Status == old.Status:
	case old.Status == models.DemandOpen && d.Status == models.DemandClaimed:
		if !isCommissioner(ck.p) {
			ck.add("status", "只有特派员可以认领需求", "only a commissioner may claim a demand")
		}
		claimer = ck.p.CommissionerID
	case old.Status == models.DemandClaimed && d.Status == models.DemandResolved:
		if !isCommissioner(ck.p) || ck.p.CommissionerID != old.ClaimedBy {
			ck.add("status", "只有认领的特派员可以办结需求", "only the commissioner who claimed the demand may resolve it")
		}
	default:
		ck.add("status", "需求状态只能从 open 到 claimed 再到 resolved", "a demand moves only from open to claimed to resolved")
	}
	if d.ClaimedBy != "" && d.ClaimedBy != claimer {
		ck.add("claimed_by", "由服务器根据认领人设置", "set by the server to the claiming commissioner")
	}
	d.checkResolution(ck, old)
}

// checkResolution requires a resolution on resolved demands, written only
// by the claimer.
func (d *demandDTO) checkResolution(ck *checker, old *models.Demand) {
	res := trim(d.Resolution)
	switch {
	case d.Status != models.DemandResolved && res != "":
		ck.add("resolution", "只有办结的需求才有办结说明", "only a resolved demand has a resolution")
	case d.Status == models.DemandResolved && res == "":
		ck.add("resolution", "办结需求须填写办结说明", "required to resolve a demand")
	case res != old.Resolution && (!isCommissioner(ck.p) || ck.p.CommissionerID != old.ClaimedBy):
		ck.add("resolution", "只有认领的特派员可以填写办结说明", "only the commissioner who claimed the demand may write its resolution")
	}
}

// store writes a checked demand into m, stamping who raised, claimed and
// resolved it and when.
func (d *demandDTO) store(m models.Record, ck *checker) {
	dm := m.(*models.Demand)
	if ck.creating() {
		dm.RaisedBy, dm.Status, dm.CommissionerID = ck.p.UserID, models.DemandOpen, ""
	}
	dm.RegionCode, dm.Title = d.RegionCode, trim(d.Title)
	dm.Description, dm.Category = trim(d.Description), trim(d.Category)
	if d.Status == models.DemandClaimed && dm.Status == models.DemandOpen {
		now := ck.now
		dm.ClaimedBy, dm.CommissionerID, dm.ClaimedAt = ck.p.CommissionerID, ck.p.CommissionerID, &now
	}
	if d.Status == models.DemandResolved && dm.Status != models.DemandResolved {
		now := ck.now
		dm.ResolvedAt = &now
	}
	dm.Status, dm.Resolution = d.Status, trim(d.Resolution)
}
