package models

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Evidence flags the server sets on visits.
const (
	// FlagFarFromVillage: the visit's GPS point is more than FarLimitM
	// from its village's reference point.
	FlagFarFromVillage = "far_from_village"
	// FlagDeviceClockSkew: the visit came in a push whose device_time was
	// far from the server's clock.
	FlagDeviceClockSkew = "device_clock_skew"
)

// FarLimitM is how far (metres) a visit may be from its village's
// reference point before it is flagged.
const FarLimitM = 5000

// MedianMinVisits is how many located visits a village needs before their
// median point serves as its reference point.
const MedianMinVisits = 5

// medianWindow bounds the visits the median is taken over: the latest ones.
const medianWindow = 200

// Reference point sources.
const (
	RefSourceBureau = "bureau"
	RefSourceVisits = "visits"
)

// ReferencePoint is a village's reference point as a bureau set it.
type ReferencePoint struct {
	Code      string    `gorm:"primaryKey" json:"code"`
	Lat       float64   `json:"lat"`
	Lng       float64   `json:"lng"`
	SetBy     string    `json:"set_by"`
	UpdatedAt time.Time `json:"updated_at"`
}

// RefPoint is the point a village's visits are checked against, and where
// it comes from: a bureau, or the median of Visits located visits.
type RefPoint struct {
	Lat, Lng float64
	Source   string
	Visits   int
}

// SetReferencePoint stores a bureau's reference point for a village, with
// its audit entry, replacing any earlier one.
func (db *DB) SetReferencePoint(ctx context.Context, p *Principal, requestID string, rp *ReferencePoint) error {
	rp.SetBy, rp.UpdatedAt = p.UserID, Now()
	return db.Tx(ctx, func(tx *gorm.DB) error {
		var before *ReferencePoint
		var old ReferencePoint
		if err := tx.Where("code = ?", rp.Code).Limit(1).Find(&old).Error; err != nil {
			return fmt.Errorf("load reference point %s: %w", rp.Code, err)
		}
		if old.Code != "" {
			before = &old
		}
		upsert := clause.OnConflict{Columns: []clause.Column{{Name: "code"}}, DoUpdates: clause.AssignmentColumns([]string{"lat", "lng", "set_by", "updated_at"})}
		if err := tx.Clauses(upsert).Create(rp).Error; err != nil {
			return fmt.Errorf("store reference point %s: %w", rp.Code, err)
		}
		entry := AuditEntry{At: rp.UpdatedAt, ActorID: p.UserID, ActorRole: p.Role, RecordType: "reference_point",
			RecordID: rp.Code, Action: ActionUpdate, RegionCode: rp.Code, RequestID: requestID}
		if before == nil {
			entry.Action = ActionCreate
		}
		var err error
		if entry.BeforeJSON, err = jsonOrNil(before); err != nil {
			return err
		}
		if entry.AfterJSON, err = jsonOrNil(rp); err != nil {
			return err
		}
		return tx.Create(&entry).Error
	})
}

// RefPoints returns the reference points of the villages that have one:
// the bureau's where set, else the median of the village's latest located
// visits once there are MedianMinVisits of them. Visits with an id in
// exclude do not count (a visit does not vouch for itself). Two queries.
func RefPoints(tx *gorm.DB, codes []string, exclude []string) (map[string]RefPoint, error) {
	out := map[string]RefPoint{}
	if len(codes) == 0 {
		return out, nil
	}
	var set []ReferencePoint
	if err := tx.Where("code IN ?", codes).Find(&set).Error; err != nil {
		return nil, fmt.Errorf("load reference points: %w", err)
	}
	for _, rp := range set {
		out[rp.Code] = RefPoint{Lat: rp.Lat, Lng: rp.Lng, Source: RefSourceBureau}
	}
	var rest []string
	for _, c := range codes {
		if _, ok := out[c]; !ok {
			rest = append(rest, c)
		}
	}
	if len(rest) == 0 {
		return out, nil
	}
	pts, err := visitPoints(tx, rest, exclude)
	if err != nil {
		return nil, err
	}
	for code, ps := range pts {
		if len(ps) >= MedianMinVisits {
			out[code] = medianPoint(ps)
		}
	}
	return out, nil
}

type point struct{ Lat, Lng float64 }

// visitPoints loads the points of each village's latest located visits
// (at most medianWindow per village): one statement, a UNION ALL of one
// index range scan per village.
func visitPoints(tx *gorm.DB, codes, exclude []string) (map[string][]point, error) {
	var rows []struct {
		VillageCode string
		Lat, Lng    float64
	}
	parts := make([]string, len(codes))
	var args []any
	for i, code := range codes {
		q := tx.Table("visits").Select("village_code, lat, lng").
			Where("village_code = ? AND lat IS NOT NULL AND lng IS NOT NULL AND deleted_at IS NULL", code)
		if len(exclude) > 0 {
			q = q.Where("id NOT IN ?", exclude)
		}
		parts[i] = fmt.Sprintf("SELECT * FROM (?) AS v%d", i)
		args = append(args, q.Order("started_at DESC").Limit(medianWindow))
	}
	if err := tx.Raw(strings.Join(parts, " UNION ALL "), args...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("load visit points: %w", err)
	}
	out := map[string][]point{}
	for _, r := range rows {
		out[r.VillageCode] = append(out[r.VillageCode], point{r.Lat, r.Lng})
	}
	return out, nil
}

// medianPoint is the point of the median latitude and median longitude.
func medianPoint(ps []point) RefPoint {
	lats, lngs := make([]float64, len(ps)), make([]float64, len(ps))
	for i, p := range ps {
		lats[i], lngs[i] = p.Lat, p.Lng
	}
	return RefPoint{Lat: median(lats), Lng: median(lngs), Source: RefSourceVisits, Visits: len(ps)}
}

func median(xs []float64) float64 {
	sort.Float64s(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// DistanceM is the great-circle distance in metres between two points.
func DistanceM(lat1, lng1, lat2, lng2 float64) float64 {
	const r = 6371000.0
	rad := math.Pi / 180
	dLat, dLng := (lat2-lat1)*rad, (lng2-lng1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}
