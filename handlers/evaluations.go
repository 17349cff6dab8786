package handlers

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
)

// Evaluations serves the annual evaluation (年度考核): rubrics, runs, the
// ranked list, adjustments, the lock, and a commissioner's own scorecard.
// Bureau users act within their region's subtree and admins everywhere;
// township users may read (list and rubric) within their township;
// commissioners see only their scorecard.
type Evaluations struct{ d Deps }

// NewEvaluations returns the evaluation handlers.
func NewEvaluations(d Deps) *Evaluations { return &Evaluations{d: d} }

// Register mounts the evaluation routes.
func (h *Evaluations) Register(g *echo.Group) {
	g.GET("/evaluations/:year", h.list)
	g.GET("/evaluations/:year/rubric", h.getRubric)
	g.PUT("/evaluations/:year/rubric", h.putRubric)
	g.POST("/evaluations/:year/runs", h.run)
	g.POST("/evaluations/:year/adjustments", h.adjust)
	g.POST("/evaluations/:year/lock", h.lock)
	g.GET("/me/scorecard", h.scorecard)
}

// evaluationItem is one line of the ranked list.
type evaluationItem struct {
	CommissionerID   string                           `json:"commissioner_id"`
	Name             string                           `json:"name"`
	Score            float64                          `json:"score"`
	Grade            string                           `json:"grade"`
	Rank             int                              `json:"rank"`
	BasePoints       float64                          `json:"base_points"`
	AdjustmentPoints float64                          `json:"adjustment_points"`
	Indicators       map[string]models.IndicatorScore `json:"indicators"`
	Flags            models.FlagSummary               `json:"flags"`
	Adjustments      []models.EvaluationAdjustment    `json:"adjustments"`
}

// evaluationList is the ranked list of one year's evaluation of a region.
type evaluationList struct {
	Year       int              `json:"year"`
	RegionCode string           `json:"region_code"`
	Locked     bool             `json:"locked"`
	LockedAt   *time.Time       `json:"locked_at"`
	RunAt      time.Time        `json:"run_at"`
	Evaluated  int              `json:"evaluated"`
	Items      []evaluationItem `json:"items"`
	NextCursor string           `json:"next_cursor,omitempty"`
}

func (h *Evaluations) list(c echo.Context) error {
	year, region, err := h.scope(c, false)
	if err != nil {
		return err
	}
	page, err := ParsePage(c)
	if err != nil {
		return err
	}
	st, err := h.d.DB.Standings(c.Request().Context(), year, region)
	if err != nil {
		return err
	}
	lines, next, err := pageLines(st.Lines, page)
	if err != nil {
		return err
	}
	out := evaluationList{Year: year, RegionCode: region, Locked: st.Run.Locked(), LockedAt: st.Run.LockedAt,
		RunAt: st.Run.RunAt, Evaluated: len(st.Lines), NextCursor: next}
	if out.Items, err = h.items(c, year, region, lines); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// items completes ranked lines with their indicators, flags and
// adjustments.
func (h *Evaluations) items(c echo.Context, year int, region string, lines []models.Standing) ([]evaluationItem, error) {
	ids := make([]string, len(lines))
	for i, l := range lines {
		ids[i] = l.CommissionerID
	}
	results, adjs, err := h.d.DB.EvaluationDetails(c.Request().Context(), year, region, ids)
	if err != nil {
		return nil, err
	}
	out := make([]evaluationItem, 0, len(lines))
	for _, l := range lines {
		res := results[l.CommissionerID]
		out = append(out, evaluationItem{CommissionerID: l.CommissionerID, Name: l.Name,
			Score: evalPoints(l.Score), Grade: l.Grade, Rank: l.Rank, BasePoints: evalPoints(l.BaseCenti),
			AdjustmentPoints: evalPoints(l.AdjustmentCenti), Indicators: res.Indicators, Flags: res.Flags,
			Adjustments: evalNonNil(adjs[l.CommissionerID])})
	}
	return out, nil
}

// pageLines returns the page of ranked lines after the cursor (the score
// and commissioner id of the previous page's last line) and the next
// cursor.
func pageLines(lines []models.Standing, p Page) ([]models.Standing, string, error) {
	start := 0
	if p.Cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(p.Cursor)
		score, id, ok := strings.Cut(string(raw), "|")
		s, perr := strconv.ParseInt(score, 10, 64)
		if err != nil || !ok || perr != nil {
			return nil, "", apierr.BadRequest("cursor 无效", "invalid cursor")
		}
		for start < len(lines) && (lines[start].Score > s || lines[start].Score == s && lines[start].CommissionerID <= id) {
			start++
		}
	}
	end := min(start+p.Limit, len(lines))
	next := ""
	if end < len(lines) {
		last := lines[end-1]
		next = base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(last.Score, 10) + "|" + last.CommissionerID))
	}
	return lines[start:end], next, nil
}

// scope reads the year of the path and the region of the query (the
// caller's own region when absent) and checks the caller may read it, or
// change it when write: commissioners never; township users read only.
func (h *Evaluations) scope(c echo.Context, write bool) (int, string, error) {
	p := Caller(c)
	switch {
	case p.Role == models.RoleCommissioner, p.Role == models.RoleTownship && write:
		return 0, "", apierr.Forbidden()
	case p.Role != models.RoleAdmin && p.Role != models.RoleBureau && p.Role != models.RoleTownship:
		return 0, "", apierr.Forbidden()
	}
	year, err := evalYear(c.Param("year"))
	if err != nil {
		return 0, "", err
	}
	region := c.QueryParam("region")
	if region == "" {
		region = p.RegionCode
	}
	if region == "" {
		return 0, "", apierr.BadRequest("缺少 region 参数", "region is required")
	}
	if !evalRegionValid(region) {
		return 0, "", apierr.BadRequest("region 不是有效的区划代码", "region is not a valid region code")
	}
	if !p.Sees(region) {
		return 0, "", apierr.Forbidden()
	}
	if _, err := h.d.DB.GetRegion(c.Request().Context(), region); err != nil {
		return 0, "", err
	}
	return year, region, nil
}

// evalYear reads an evaluation year, 2000–2100.
func evalYear(s string) (int, error) {
	y, err := strconv.Atoi(s)
	if err != nil || y < 2000 || y > 2100 {
		return 0, apierr.BadRequest("年份须为 2000 到 2100 的整数", "year must be an integer from 2000 to 2100")
	}
	return y, nil
}

// evalRegionValid reports whether s is all digits with a level's length.
func evalRegionValid(s string) bool {
	if models.LevelOf(s) == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// points converts hundredths of a point to points.
func evalPoints(centi int64) float64 { return float64(centi) / 100 }

func evalNonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
