package models

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// chinaTime is Asia/Shanghai: China has kept UTC+8 without daylight saving
// since 1991, so a fixed zone needs no tz database.
var chinaTime = time.FixedZone("CST", 8*3600)

// PhotoOwner is what photos need to know of the record they are attached
// to: whose it is, where, and which day it happened on (Asia/Shanghai).
type PhotoOwner struct {
	Type, ID       string
	CommissionerID string
	RegionCode     string
	Day            string
	// At is the owner's time, when it has one (a visit's start).
	At *time.Time
	// RaisedBy (a user id) and ClaimedBy (a commissioner id) are set for
	// demands.
	RaisedBy, ClaimedBy string
}

// photoOwnerQueries select, per owner type, the owner's commissioner,
// region, day (a date, or a time "at" to take the date of) and, for
// demands, who raised and claimed it. Deleted records are not owners.
var photoOwnerQueries = map[string]string{
	"visit":            "SELECT commissioner_id, village_code AS region_code, started_at AS at FROM visits WHERE id = ? AND deleted_at IS NULL",
	"training":         "SELECT commissioner_id, region_code, held_at AS at FROM trainings WHERE id = ? AND deleted_at IS NULL",
	"plot":             "SELECT commissioner_id, village_code AS region_code, established_on AS day FROM plots WHERE id = ? AND deleted_at IS NULL",
	"plot_observation": "SELECT o.commissioner_id, p.village_code AS region_code, o.observed_at AS at FROM plot_observations o JOIN plots p ON p.id = o.plot_id WHERE o.id = ? AND o.deleted_at IS NULL",
	"demand":           "SELECT commissioner_id, region_code, created_at AS at, raised_by, claimed_by FROM demands WHERE id = ? AND deleted_at IS NULL",
}

// LoadPhotoOwner loads the live record a photo is (to be) attached to,
// locking its row until tx ends when lock is set (on MySQL; SQLite
// transactions are serialized anyway). A missing record is
// gorm.ErrRecordNotFound.
func LoadPhotoOwner(tx *gorm.DB, ownerType, ownerID string, lock bool) (*PhotoOwner, error) {
	q, ok := photoOwnerQueries[ownerType]
	if !ok {
		return nil, fmt.Errorf("photo owner type %q: %w", ownerType, gorm.ErrRecordNotFound)
	}
	if lock && tx.Dialector.Name() == "mysql" {
		q += " FOR UPDATE"
	}
	var row struct {
		CommissionerID, RegionCode, Day, RaisedBy, ClaimedBy string
		At                                                   *time.Time
	}
	res := tx.Raw(q, ownerID).Scan(&row)
	if res.Error != nil {
		return nil, fmt.Errorf("load %s %s: %w", ownerType, ownerID, res.Error)
	}
	if res.RowsAffected == 0 {
		return nil, fmt.Errorf("load %s %s: %w", ownerType, ownerID, gorm.ErrRecordNotFound)
	}
	o := &PhotoOwner{Type: ownerType, ID: ownerID, CommissionerID: row.CommissionerID, RegionCode: row.RegionCode,
		Day: row.Day, RaisedBy: row.RaisedBy, ClaimedBy: row.ClaimedBy}
	if row.At != nil {
		o.At = row.At
		o.Day = chinaDate(*row.At)
	}
	return o, nil
}

// chinaDate is the Asia/Shanghai date of t, as YYYY-MM-DD.
func chinaDate(t time.Time) string { return t.In(chinaTime).Format("2006-01-02") }

// AttachableBy reports whether p may attach photos to the record: a
// commissioner to its own records; for a demand also the user who raised it
// and the commissioner who claimed it.
func (o *PhotoOwner) AttachableBy(p *Principal) bool {
	if p.CommissionerID != "" && (o.CommissionerID == p.CommissionerID || (o.Type == "demand" && o.ClaimedBy == p.CommissionerID)) {
		return true
	}
	return o.Type == "demand" && o.RaisedBy == p.UserID
}
