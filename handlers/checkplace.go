package handlers

import (
	"errors"
	"github.com/tepai/tepai/internal/bounds"
	"strings"
	"time"

	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// earliest is the first instant a record may name.
var earliest = bounds.Earliest

// instant checks a time of the work itself: well formed, not before 2000
// and at most 24 hours in the future.
func (ck *checker) instant(field string, t Instant, required bool) {
	switch {
	case !t.Set():
		if required {
			ck.add(field, "必填", "required")
		}
	case t.Bad:
		ck.add(field, "须为 RFC 3339 时间，如 2024-05-21T09:30:00+08:00", "must be an RFC 3339 time, e.g. 2024-05-21T09:30:00+08:00")
	case t.T.Before(earliest):
		ck.add(field, "不能早于 2000 年", "must not be before 2000")
	case t.T.After(ck.now.Add(24 * time.Hour)):
		ck.add(field, "不能晚于当前时间 24 小时以上", "must not be more than 24 hours in the future")
	}
}

// date checks a YYYY-MM-DD date from 2000 on; when past, at most one day
// ahead of today, else at most 2100.
func (ck *checker) date(field, s string, required, past bool) {
	if s == "" {
		if required {
			ck.add(field, "必填", "required")
		}
		return
	}
	t, ok := ParseDate(s)
	latest := time.Date(2100, 12, 31, 0, 0, 0, 0, Shanghai)
	if past {
		latest = ck.now.Add(24 * time.Hour)
	}
	switch {
	case !ok:
		ck.add(field, "须为 YYYY-MM-DD 日期", "must be a YYYY-MM-DD date")
	case t.Before(earliest):
		ck.add(field, "不能早于 2000 年", "must not be before 2000")
	case t.After(latest):
		ck.add(field, "日期过晚", "date too late")
	}
}

// today is the request's date in Asia/Shanghai.
func (ck *checker) today() string { return LocalDate(ck.now) }

// point checks a GPS point: both coordinates or neither, inside China's
// bounding box (lat 3–54, lng 73–136).
func (ck *checker) point(lat, lng *float64) {
	switch {
	case lat == nil && lng == nil:
	case lat == nil:
		ck.add("lat", "须与 lng 同时提供", "required together with lng")
	case lng == nil:
		ck.add("lng", "须与 lat 同时提供", "required together with lat")
	default:
		ck.numIn("lat", *lat, bounds.MinLat, bounds.MaxLat)
		ck.numIn("lng", *lng, bounds.MinLng, bounds.MaxLng)
	}
}

// region checks a region code: required, of one of levels, existing, and
// inside what the caller may write on date (YYYY-MM-DD; "" is today).
func (ck *checker) region(field, code string, levels []string, date string) {
	if code == "" {
		ck.add(field, "必填", "required")
		return
	}
	if !isDigits(code) || !contains(levels, models.LevelOf(code)) {
		zh, en := wrongLevel(code, levels)
		ck.add(field, zh, en)
		return
	}
	exists, err := ck.regionExists(code)
	if err != nil {
		ck.fail(err)
		return
	}
	if !exists {
		ck.add(field, "区划不存在", "no such region")
		return
	}
	if !ck.mayWrite(code, date) {
		ck.add(field, "不在您的服务范围内", "outside your service area")
	}
}

// mayWrite reports whether the caller may put a record in region code on
// date: admins anywhere, bureau and township users inside their region,
// commissioners inside their home region, or in a village assigned to them
// (directly or through a team) on that date or its township. An
// assignment reaches no higher: one assigned village does not make a
// commissioner a recorder of its county's, city's or province's projects.
func (ck *checker) mayWrite(code, date string) bool {
	p := ck.p
	switch {
	case p.Role == models.RoleAdmin:
		return true
	case p.Role == models.RoleBureau || p.Role == models.RoleTownship:
		return p.Sees(code)
	case !isCommissioner(p):
		return false
	}
	if home := ck.homeRegion(); home != "" && strings.HasPrefix(code, home) {
		return true
	}
	if l := models.LevelOf(code); l != models.LevelTownship && l != models.LevelVillage {
		return false
	}
	if date == "" {
		date = ck.today()
	}
	c := cacheOf(ck.ctx)
	ok, err := remember(c, assignsOf(c), p.CommissionerID+"|"+code+"|"+date, func() (bool, error) {
		return ck.db.AssignedWithin(ck.ctx, p.CommissionerID, code, date)
	})
	ck.fail(err)
	return ok
}

// homeRegion is the caller's home region as a commissioner.
func (ck *checker) homeRegion() string {
	if ck.p.HomeKnown {
		// Read with the caller's session, in this request.
		return ck.p.CommissionerHome
	}
	c := cacheOf(ck.ctx)
	home, err := remember(c, homesOf(c), ck.p.CommissionerID, func() (string, error) {
		return ck.db.CommissionerHome(ck.ctx, ck.p.CommissionerID)
	})
	ck.fail(err)
	return home
}

// regionExists reports whether a region with code exists.
func (ck *checker) regionExists(code string) (bool, error) {
	if ck.known != nil && ck.known.has(code) {
		return true, nil
	}
	c := cacheOf(ck.ctx)
	ok, err := remember(c, regionsOf(c), code, func() (bool, error) {
		_, err := ck.db.GetRegion(ck.ctx, code)
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return false, nil
		}
		return err == nil, err
	})
	if ok && ck.known != nil {
		ck.known.add(code)
	}
	return ok, err
}

// isDigits reports whether s is a non-empty string of ASCII digits.
func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
