package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
)

// scorecardIndicator is how one indicator's points were earned.
type scorecardIndicator struct {
	Key    string  `json:"key"`
	Value  float64 `json:"value"`
	Target float64 `json:"target"`
	Weight float64 `json:"weight"`
	Cap    float64 `json:"cap"`
	Points float64 `json:"points"`
}

// scorecard is a commissioner's own line of its evaluation, with how each
// point was earned or lost.
type scorecard struct {
	Year              int                           `json:"year"`
	RegionCode        string                        `json:"region_code"`
	Locked            bool                          `json:"locked"`
	RunAt             time.Time                     `json:"run_at"`
	CommissionerID    string                        `json:"commissioner_id"`
	Name              string                        `json:"name"`
	Score             float64                       `json:"score"`
	Grade             string                        `json:"grade"`
	Rank              int                           `json:"rank"`
	Evaluated         int                           `json:"evaluated"`
	BasePoints        float64                       `json:"base_points"`
	DeductionPoints   float64                       `json:"deduction_points"`
	AdjustmentPoints  float64                       `json:"adjustment_points"`
	Indicators        []scorecardIndicator          `json:"indicators"`
	Flags             models.FlagSummary            `json:"flags"`
	DeductionRule     models.Deductions             `json:"deduction_rule"`
	Adjustments       []models.EvaluationAdjustment `json:"adjustments"`
	Grades            map[string]float64            `json:"grades"`
	ExcellentShareCap *float64                      `json:"excellent_share_cap"`
}

// scorecard answers GET /me/scorecard?year= (the current year in
// Asia/Shanghai when absent) for a commissioner: its line in the deepest
// evaluation of the year that has one; 404 before any run.
func (h *Evaluations) scorecard(c echo.Context) error {
	p := Caller(c)
	if p.Role != models.RoleCommissioner || p.CommissionerID == "" {
		return apierr.Forbidden()
	}
	year := time.Now().In(time.FixedZone("Asia/Shanghai", 8*3600)).Year()
	if s := c.QueryParam("year"); s != "" {
		var err error
		if year, err = evalYear(s); err != nil {
			return err
		}
	}
	out, err := h.loadScorecard(c, year, p.CommissionerID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// loadScorecard builds the commissioner's scorecard of year.
func (h *Evaluations) loadScorecard(c echo.Context, year int, commissionerID string) (*scorecard, error) {
	ctx := c.Request().Context()
	region, err := h.d.DB.ScorecardRegion(ctx, year, commissionerID)
	if err != nil {
		return nil, err
	}
	st, err := h.d.DB.Standings(ctx, year, region)
	if err != nil {
		return nil, err
	}
	results, adjs, err := h.d.DB.EvaluationDetails(ctx, year, region, []string{commissionerID})
	if err != nil {
		return nil, err
	}
	res, ok := results[commissionerID]
	if !ok {
		return nil, apierr.NotFound()
	}
	out := newScorecard(st, res)
	out.Adjustments = evalNonNil(adjs[commissionerID])
	for _, l := range st.Lines {
		if l.CommissionerID == commissionerID {
			out.Score, out.Grade, out.Rank = evalPoints(l.Score), l.Grade, l.Rank
			out.AdjustmentPoints = evalPoints(l.AdjustmentCenti)
		}
	}
	return &out, nil
}

// newScorecard fills a scorecard from the run and the stored line.
func newScorecard(st *models.Standings, res models.EvaluationResult) scorecard {
	r := &st.Run.Rubric
	out := scorecard{Year: st.Run.Year, RegionCode: st.Run.RegionCode, Locked: st.Run.Locked(), RunAt: st.Run.RunAt,
		CommissionerID: res.CommissionerID, Name: res.Name, Evaluated: len(st.Lines),
		BasePoints: evalPoints(res.BaseCenti), DeductionPoints: evalPoints(res.DeductionCenti),
		Flags: res.Flags, DeductionRule: r.Deductions, Grades: r.Grades, ExcellentShareCap: r.ExcellentShareCap,
		Indicators: make([]scorecardIndicator, 0, len(r.Indicators))}
	for _, ind := range r.Indicators {
		s := res.Indicators[ind.Key]
		out.Indicators = append(out.Indicators, scorecardIndicator{Key: ind.Key, Value: s.Value, Target: ind.Target,
			Weight: ind.Weight, Cap: ind.Cap, Points: s.Points})
	}
	return out
}
