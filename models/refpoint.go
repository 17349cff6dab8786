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

// MedianMinVisits is how many located visits of commissioners assigned to
// a village it needs before their median serves as its reference point.
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
// it comes from: a bureau, or the median of Visits located visits of the
// commissioners assigned to the village.
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
// the bureau's where set, else a median of the village's latest located
// visits once there are MedianMinVisits of them. Visits with an id in
// exclude do not count (a visit does not vouch for itself). One statement:
// the bureau's points and the visits of the villages without one, so that
// every visit a POST or a push writes costs a round trip less.
//
// The median is one that no single commissioner can move: only visits by
// commissioners assigned to the village (directly or through a team) on
// the day of the visit count, since a commissioner may record visits
// anywhere in its home region and invented points in a village it does
// not serve would otherwise become that village's reference and flag the
// honest visits; and each commissioner has one vote, the median of its own
// visits, so that an assigned commissioner recording many visits outweighs
// no other. A bureau's reference point (PUT) overrides it.
func RefPoints(tx *gorm.DB, codes []string, exclude []string) (map[string]RefPoint, error) {
	out := map[string]RefPoint{}
	if len(codes) == 0 {
		return out, nil
	}
	rows, err := refRows(tx, codes, exclude)
	if err != nil {
		return nil, err
	}
	pts := map[string][]point{}
	for _, r := range rows {
		if r.Bureau == 1 {
			out[r.VillageCode] = RefPoint{Lat: r.Lat, Lng: r.Lng, Source: RefSourceBureau}
		} else {
			pts[r.VillageCode] = append(pts[r.VillageCode], point{r.Lat, r.Lng, r.CommissionerID})
		}
	}
	for code, ps := range pts {
		if _, set := out[code]; !set && len(ps) >= MedianMinVisits {
			out[code] = votedMedian(ps)
		}
	}
	return out, nil
}

type point struct {
	Lat, Lng float64
	By       string // the commissioner whose visit it is
}

// assignedOnVisitDay holds for a visit v whose commissioner was assigned to
// its village, directly or through a live team, on the visit's date.
//
// It is a scalar subquery, not EXISTS, on purpose: MariaDB turns a
// correlated EXISTS into a semi-join, whose plan reads every visit of the
// village into a temporary table and sorts it before the LIMIT applies, on
// every write of a visit there. A scalar subquery stays a per-row check,
// so the scan runs backwards on idx_visits_village and stops at the
// medianWindow-th visit that counts. TestRefPointsReadTheLatestVisitsOnly
// holds it there (519 rows read for a village of 1,100 visits, against
// 2,303 with EXISTS).
const assignedOnVisitDay = `(SELECT 1 FROM assignments a WHERE a.village_code = v.village_code
 AND a.deleted_at IS NULL AND a.start_date <= v.visit_date AND (a.end_date = '' OR a.end_date >= v.visit_date)
 AND (a.commissioner_id = v.commissioner_id OR (a.team_id <> '' AND a.team_id IN (
  SELECT tm.team_id FROM team_members tm JOIN teams t ON t.id = tm.team_id AND t.deleted_at IS NULL
  WHERE tm.commissioner_id = v.commissioner_id))) LIMIT 1) IS NOT NULL`

// refRow is a bureau's point of a village (Bureau 1) or the point of one
// of its visits (0).
type refRow struct {
	VillageCode    string
	CommissionerID string
	Lat, Lng       float64
	Bureau         int
}

// refRows loads the bureau's points of codes and, for each village
// without one, the points of its latest located visits by assigned
// commissioners (at most medianWindow per village): one statement, a
// UNION ALL of one index range scan per village and the bureau's points.
// A village's scan is skipped when the bureau set its point, and when no
// live assignment names it: those conditions name no column of the visit,
// so each is read once. Without the second, a village no one is assigned
// to would have every located visit it ever had read, each with its
// assignment check, on every write of a visit there, since none of them
// counts and the LIMIT is never reached. (A village whose visits are
// mostly by commissioners not assigned to it still reads past those.)
func refRows(tx *gorm.DB, codes, exclude []string) ([]refRow, error) {
	parts := make([]string, 0, len(codes)+1)
	var args []any
	for i, code := range codes {
		q := tx.Table("visits v").Select("v.village_code, v.commissioner_id, v.lat, v.lng, 0 AS bureau").
			Where("v.village_code = ? AND v.lat IS NOT NULL AND v.lng IS NOT NULL AND v.deleted_at IS NULL", code).
			Where("NOT EXISTS (SELECT 1 FROM reference_points rp WHERE rp.code = ?)", code).
			Where("EXISTS (SELECT 1 FROM assignments a0 WHERE a0.village_code = ? AND a0.deleted_at IS NULL)", code).
			Where(assignedOnVisitDay)
		if len(exclude) > 0 {
			q = q.Where("v.id NOT IN ?", exclude)
		}
		parts = append(parts, fmt.Sprintf("SELECT * FROM (?) AS v%d", i))
		args = append(args, q.Order("v.started_at DESC").Limit(medianWindow))
	}
	parts = append(parts, "SELECT code AS village_code, '' AS commissioner_id, lat, lng, 1 AS bureau FROM reference_points WHERE code IN ?")
	args = append(args, codes)
	var rows []refRow
	if err := tx.Raw(strings.Join(parts, " UNION ALL "), args...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("load reference points: %w", err)
	}
	return rows, nil
}

// votedMedian is the median, latitude and longitude apart, of the
// commissioners' own medians: one vote per commissioner.
func votedMedian(ps []point) RefPoint {
	byWho := map[string][]point{}
	var who []string
	for _, p := range ps {
		if _, ok := byWho[p.By]; !ok {
			who = append(who, p.By)
		}
		byWho[p.By] = append(byWho[p.By], p)
	}
	votes := make([]point, len(who))
	for i, w := range who {
		votes[i] = medianOf(byWho[w])
	}
	m := medianOf(votes)
	return RefPoint{Lat: m.Lat, Lng: m.Lng, Source: RefSourceVisits, Visits: len(ps)}
}

// medianOf is the point of the median latitude and median longitude.
func medianOf(ps []point) point {
	lats, lngs := make([]float64, len(ps)), make([]float64, len(ps))
	for i, p := range ps {
		lats[i], lngs[i] = p.Lat, p.Lng
	}
	return point{Lat: median(lats), Lng: median(lngs)}
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
