package handlers

import (
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
)

// Shanghai is China Standard Time, the zone of every date in the API
// (China has kept UTC+8 without daylight saving since 1991).
var Shanghai = time.FixedZone("CST", 8*3600)

// DateLayout is the API's date format.
const DateLayout = "2006-01-02"

// LocalDate returns the Asia/Shanghai date of t as YYYY-MM-DD.
func LocalDate(t time.Time) string { return t.In(Shanghai).Format(DateLayout) }

// ParseDate parses a YYYY-MM-DD date as the UTC instant its day starts in
// Asia/Shanghai.
func ParseDate(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(DateLayout, s, Shanghai)
	if err != nil || t.Format(DateLayout) != s {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// ParsePeriod reads ?from=&to= (inclusive Asia/Shanghai dates) or ?year=
// and returns the period as UTC instants [from, to); either is zero when
// the request leaves that side open. A bad date is 400.
func ParsePeriod(c echo.Context) (from, to time.Time, err error) {
	fs, ts, ys := c.QueryParam("from"), c.QueryParam("to"), c.QueryParam("year")
	if ys != "" {
		if fs != "" || ts != "" {
			return from, to, apierr.BadRequest("year 不能与 from/to 同时使用", "year cannot be combined with from/to")
		}
		y, convErr := strconv.Atoi(ys)
		if convErr != nil || y < minYear || y > maxYear {
			return from, to, apierr.BadRequest("year 须为 2000 到 2100 的年份", "year must be a year from 2000 to 2100")
		}
		fs, ts = strconv.Itoa(y)+"-01-01", strconv.Itoa(y)+"-12-31"
	}
	var ok bool
	if fs != "" {
		if from, ok = ParseDate(fs); !ok {
			return from, to, apierr.BadRequest("from 须为 YYYY-MM-DD 日期", "from must be a YYYY-MM-DD date")
		}
	}
	if ts != "" {
		if to, ok = ParseDate(ts); !ok {
			return from, to, apierr.BadRequest("to 须为 YYYY-MM-DD 日期", "to must be a YYYY-MM-DD date")
		}
		to = to.AddDate(0, 0, 1)
	}
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return from, to, apierr.BadRequest("from 不能晚于 to", "from must not be after to")
	}
	return from, to, nil
}

// Years a period may name.
const (
	minYear = 2000
	maxYear = 2100
)

// PeriodDates returns the inclusive first and last dates (YYYY-MM-DD in
// Asia/Shanghai) of a period ParsePeriod returned; "" for a bound not
// given.
func PeriodDates(from, to time.Time) (first, last string) {
	if !from.IsZero() {
		first = LocalDate(from)
	}
	if !to.IsZero() {
		last = LocalDate(to.AddDate(0, 0, -1))
	}
	return first, last
}
