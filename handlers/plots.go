package handlers

import (
	"bytes"
	"encoding/json"
	"github.com/tepai/tepai/internal/bounds"
	"math"

	"github.com/tepai/tepai/models"
)

// plotSpec describes demonstration plots (示范基地/示范田): a commissioner's
// own records, in a village, with observations and harvests below them.
func plotSpec() *spec {
	sp := &spec{
		typ: TypePlot, path: "/plots", idParam: "id", codeCol: "village_code", orderCol: "created_at",
		orderOf:  createdAt,
		newModel: func() models.Record { return &models.Plot{} },
		newSlice: func() any { return &[]models.Plot{} },
		newDTO:   func() recordDTO { return &plotDTO{} },
		code:     func(m models.Record) string { return m.(*models.Plot).VillageCode },
		filters:  []string{"region", "commissioner_id"},
	}
	return sp.ownedBy()
}

// plotDTO is the body of a plot.
type plotDTO struct {
	ID            string          `json:"id"`
	VillageCode   string          `json:"village_code"`
	Name          string          `json:"name"`
	Crop          string          `json:"crop"`
	Variety       string          `json:"variety"`
	Technology    string          `json:"technology"`
	AreaMu        float64         `json:"area_mu"`
	Lat           *float64        `json:"lat"`
	Lng           *float64        `json:"lng"`
	Boundary      json.RawMessage `json:"boundary"`
	EstablishedOn string          `json:"established_on"`
}

func (d *plotDTO) ident() *string { return &d.ID }

// check validates a plot: a village in the caller's service area, a name
// and crop, an area of 0.01 to 10,000 mu in hundredths, a point and boundary
// inside China, and an establishment date not in the future.
func (d *plotDTO) check(ck *checker) {
	ck.region("village_code", d.VillageCode, []string{models.LevelVillage}, "")
	ck.text("name", d.Name, 100, true)
	ck.text("crop", d.Crop, 50, true)
	ck.text("variety", d.Variety, 100, false)
	ck.text("technology", d.Technology, 200, false)
	ck.area("area_mu", d.AreaMu)
	ck.point(d.Lat, d.Lng)
	if msg, ok := polygonProblem(d.Boundary); !ok {
		ck.add("boundary", msg[0], msg[1])
	}
	ck.date("established_on", d.EstablishedOn, false, true)
}

// store writes a checked plot into m; the area, a whole number of
// hundredths, is rid of its binary noise, and the boundary kept in a
// canonical form.
func (d *plotDTO) store(m models.Record, ck *checker) {
	p := m.(*models.Plot)
	p.VillageCode, p.Name, p.Crop = d.VillageCode, trim(d.Name), trim(d.Crop)
	p.Variety, p.Technology = trim(d.Variety), trim(d.Technology)
	p.AreaMu = math.Round(d.AreaMu*100) / 100
	p.Lat, p.Lng = d.Lat, d.Lng
	p.Boundary = canonicalPolygon(d.Boundary)
	p.EstablishedOn = d.EstablishedOn
}

// polygon is a GeoJSON Polygon: rings of [lng, lat] positions.
type polygon struct {
	Type        string        `json:"type"`
	Coordinates [][][]float64 `json:"coordinates"`
}

// isNull reports whether raw is absent or JSON null.
func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

// polygonProblem checks a GeoJSON Polygon: at most 10 rings of 4–500
// positions, each closed (last = first), every point inside China's
// bounding box. It returns the problem in Chinese and English.
func polygonProblem(raw json.RawMessage) ([2]string, bool) {
	if isNull(raw) {
		return [2]string{}, true
	}
	var pg polygon
	if err := json.Unmarshal(raw, &pg); err != nil || pg.Type != "Polygon" || len(pg.Coordinates) == 0 {
		return [2]string{"须为 GeoJSON Polygon", "must be a GeoJSON Polygon"}, false
	}
	if len(pg.Coordinates) > 10 {
		return [2]string{"最多 10 个环", "at most 10 rings"}, false
	}
	for _, ring := range pg.Coordinates {
		if len(ring) < 4 || len(ring) > 500 {
			return [2]string{"每个环须有 4 到 500 个点", "each ring must have 4 to 500 positions"}, false
		}
		for _, pos := range ring {
			if len(pos) < 2 || len(pos) > 3 || !bounds.Lng(pos[0]) || !bounds.Lat(pos[1]) {
				return [2]string{"每个点须为中国境内的 [经度, 纬度]", "each position must be a [lng, lat] inside China"}, false
			}
		}
		first, last := ring[0], ring[len(ring)-1]
		if first[0] != last[0] || first[1] != last[1] {
			return [2]string{"环须闭合（首尾点相同）", "each ring must be closed (last position = first)"}, false
		}
	}
	return [2]string{}, true
}

// canonicalPolygon re-encodes a checked polygon without anything but its
// type and coordinates; nil when there is none.
func canonicalPolygon(raw json.RawMessage) json.RawMessage {
	if isNull(raw) {
		return nil
	}
	var pg polygon
	if json.Unmarshal(raw, &pg) != nil {
		return nil
	}
	b, _ := json.Marshal(pg)
	return b
}
