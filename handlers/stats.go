package handlers

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// Stats serves the statistics bureaus and township offices report from:
// village coverage and its gaps, service output, farmer income and the
// work summary, each as JSON, CSV or an Excel workbook.
type Stats struct{ d Deps }

// NewStats returns the statistics handlers.
func NewStats(d Deps) *Stats { return &Stats{d: d} }

// Register mounts the statistics routes.
func (h *Stats) Register(g *echo.Group) {
	s := g.Group("/stats")
	s.GET("/coverage", h.coverage)
	s.GET("/coverage/gaps", h.gaps)
	s.GET("/services", h.services)
	s.GET("/income", h.income)
	s.GET("/summary", h.summary)
}

// RegionRef names the region a report is about.
type RegionRef struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level string `json:"level"`
}

// statsRegion resolves ?region= for a statistics request: commissioners
// are refused; the region defaults to the caller's scope, must be a region
// code (400), inside the caller's scope (403) and known (404).
func (h *Stats) statsRegion(c echo.Context) (*models.Region, error) {
	p := Caller(c)
	if p == nil || (p.Role != models.RoleAdmin && p.Role != models.RoleBureau && p.Role != models.RoleTownship) {
		return nil, apierr.Forbidden()
	}
	code := c.QueryParam("region")
	if code == "" {
		code = p.RegionCode
	}
	if code == "" {
		return nil, apierr.BadRequest("请指定 region", "region is required")
	}
	if models.LevelOf(code) == "" || strings.Trim(code, "0123456789") != "" {
		return nil, apierr.BadRequest("region 须为 2、4、6、9 或 12 位行政区划代码", "region must be a 2, 4, 6, 9 or 12 digit region code")
	}
	if !p.Sees(code) {
		return nil, apierr.Forbidden()
	}
	r, err := h.d.DB.GetRegion(c.Request().Context(), code)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apierr.NotFound()
	}
	return r, err
}

// statsPeriod reads the period of a statistics request: from and to
// together, or year; the current year in Asia/Shanghai when none is given.
func statsPeriod(c echo.Context) (models.Period, error) {
	from, to, err := ParsePeriod(c)
	if err != nil {
		return models.Period{}, err
	}
	if from.IsZero() && to.IsZero() {
		return models.YearPeriod(time.Now().In(Shanghai).Year()), nil
	}
	if from.IsZero() || to.IsZero() {
		return models.Period{}, apierr.BadRequest("from 与 to 须同时给出", "from and to must be given together")
	}
	first, last := PeriodDates(from, to)
	return models.Period{From: first, To: last}, nil
}

// statsYear reads ?year= (the current year in Asia/Shanghai when absent);
// these reports are by calendar year, so from and to are refused.
func statsYear(c echo.Context) (int, error) {
	if c.QueryParam("from") != "" || c.QueryParam("to") != "" {
		return 0, apierr.BadRequest("该统计按年度计算，请使用 year", "this report is by year; use year")
	}
	s := c.QueryParam("year")
	if s == "" {
		return time.Now().In(Shanghai).Year(), nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < minYear || y > maxYear {
		return 0, apierr.BadRequest("year 须为 2000 到 2100 之间的年份", "year must be a year from 2000 to 2100")
	}
	return y, nil
}

// statsRequest is what every statistics request starts with.
type statsRequest struct {
	region *models.Region
	period models.Period
	year   int // of a report by year
	format string
}

func (h *Stats) request(c echo.Context, byYear bool) (*statsRequest, error) {
	region, err := h.statsRegion(c)
	if err != nil {
		return nil, err
	}
	req := &statsRequest{region: region}
	if req.format, err = ParseFormat(c); err != nil {
		return nil, err
	}
	if byYear {
		y, err := statsYear(c)
		if err != nil {
			return nil, err
		}
		req.year, req.period = y, models.YearPeriod(y)
		return req, nil
	}
	req.period, err = statsPeriod(c)
	return req, err
}

func (r *statsRequest) ref() RegionRef {
	return RegionRef{Code: r.region.Code, Name: r.region.Name, Level: r.region.Level}
}

// fileName names an export: what, region and period.
func (r *statsRequest) fileName(what string) string {
	return ExportName(what, r.region.Code, r.period.From, r.period.To)
}

// gapCursor and parseGapCursor wrap the last village code of a page as an
// opaque cursor.
func gapCursor(code string) string { return base64.RawURLEncoding.EncodeToString([]byte(code)) }

func parseGapCursor(s string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", apierr.BadRequest("cursor 无效", "invalid cursor")
	}
	return string(b), nil
}
