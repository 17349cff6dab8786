package handlers

import (
	"context"

	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// demandSpec describes demands (需求, "订单式"): raised by a township or
// bureau office (or an admin) in its region, claimed by a commissioner
// serving there and resolved by the claimer.
func demandSpec() *spec {
	office := func(p *models.Principal) bool {
		return p.Role == models.RoleAdmin || p.Role == models.RoleBureau || p.Role == models.RoleTownship
	}
	return &spec{
		typ: TypeDemand, path: "/demands", idParam: "id", codeCol: "region_code", orderCol: "created_at",
		orderOf:          createdAt,
		newModel:         func() models.Record { return &models.Demand{} },
		newSlice:         func() any { return &[]models.Demand{} },
		newDTO:           func() recordDTO { return &demandDTO{} },
		code:             func(m models.Record) string { return m.(*models.Demand).RegionCode },
		creates:          office,
		changes:          func(p *models.Principal, m models.Record) bool { return office(p) || isCommissioner(p) },
		removes:          func(p *models.Principal, m models.Record) bool { return office(p) },
		commissionerSees: demandSeen,
		commissionerList: demandList,
		filters:          []string{"region", "status"},
	}
}

// demandSeen reports whether a commissioner sees a demand: one it claimed,
// or an open one where it serves — inside its home region, or in a village
// assigned to it or that village's township.
func demandSeen(ctx context.Context, db *models.DB, p *models.Principal, m models.Record) (bool, error) {
	d := m.(*models.Demand)
	if d.ClaimedBy == p.CommissionerID {
		return true, nil
	}
	if d.Status != models.DemandOpen {
		return false, nil
	}
	home, err := db.CommissionerHome(ctx, p.CommissionerID)
	if err != nil || (home != "" && len(d.RegionCode) >= len(home) && d.RegionCode[:len(home)] == home) {
		return err == nil, err
	}
	return db.AssignedWithin(ctx, p.CommissionerID, d.RegionCode, LocalDate(models.Now()))
}

// demandList limits a list to the demands a commissioner sees.
func demandList(ctx context.Context, db *models.DB, p *models.Principal, q *gorm.DB) (*gorm.DB, error) {
	home, err := db.CommissionerHome(ctx, p.CommissionerID)
	if err != nil {
		return nil, err
	}
	villages, err := db.AssignedVillages(ctx, p.CommissionerID, LocalDate(models.Now()))
	if err != nil {
		return nil, err
	}
	codes := []string{"-"}
	for _, v := range villages {
		codes = append(codes, v, models.ParentOf(v))
	}
	where := db.Where("region_code IN ?", codes)
	if home != "" {
		lo, hi := models.PrefixRange(home)
		where = where.Or("region_code >= ? AND region_code < ?", lo, hi)
	}
	open := db.Where("status = ?", models.DemandOpen).Where(where)
	return q.Where(db.Where("claimed_by = ?", p.CommissionerID).Or(open)), nil
}
