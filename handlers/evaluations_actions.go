package handlers

import (
	"math"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/internal/textcheck"
	"github.com/tepai/tepai/models"
)

// runResponse answers a run and a lock.
type runResponse struct {
	Year          int           `json:"year"`
	RegionCode    string        `json:"region_code"`
	Locked        bool          `json:"locked"`
	LockedAt      *time.Time    `json:"locked_at"`
	RunAt         time.Time     `json:"run_at"`
	Commissioners int           `json:"commissioners"`
	Rubric        models.Rubric `json:"rubric"`
}

func newRunResponse(r *models.EvaluationRun) runResponse {
	return runResponse{Year: r.Year, RegionCode: r.RegionCode, Locked: r.Locked(), LockedAt: r.LockedAt,
		RunAt: r.RunAt, Commissioners: r.Commissioners, Rubric: r.Rubric}
}

func (h *Evaluations) run(c echo.Context) error {
	year, region, err := h.scope(c, true)
	if err != nil {
		return err
	}
	by := models.Attribution{Actor: Caller(c), RequestID: RequestID(c)}
	run, err := h.d.DB.RunEvaluation(c.Request().Context(), by, year, region)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, newRunResponse(run))
}

func (h *Evaluations) lock(c echo.Context) error {
	year, region, err := h.scope(c, true)
	if err != nil {
		return err
	}
	by := models.Attribution{Actor: Caller(c), RequestID: RequestID(c)}
	run, err := h.d.DB.LockEvaluation(c.Request().Context(), by, year, region)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newRunResponse(run))
}

// adjustmentDTO is the body of POST /evaluations/{year}/adjustments.
type adjustmentDTO struct {
	ID             string   `json:"id"`
	CommissionerID string   `json:"commissioner_id"`
	Points         *float64 `json:"points"`
	Reason         string   `json:"reason"`
}

// validate checks the body and returns the points in hundredths: an
// optional UUID id, a non-zero number from −100 to 100 with at most two
// decimals, and a reason of 1–500 characters.
func (d *adjustmentDTO) validate() (int64, error) {
	var f apierr.Fields
	if d.ID != "" && !isUUID(NormalizeID(d.ID)) {
		f.Add("id", "id 须为 UUID", "id must be a UUID")
	}
	if d.CommissionerID == "" {
		f.Add("commissioner_id", "缺少特派员", "commissioner_id is required")
	}
	var centi int64
	switch p := d.Points; {
	case p == nil:
		f.Add("points", "缺少调整分值", "points is required")
	case *p == 0 || math.Abs(*p) > 100 || math.IsNaN(*p):
		f.Add("points", "调整分值须为 -100 到 100 之间的非零数", "points must be non-zero, from -100 to 100")
	case math.Abs(*p*100-math.Round(*p*100)) > 1e-6:
		f.Add("points", "调整分值最多两位小数", "points take at most two decimals")
	default:
		centi = int64(math.Round(*p * 100))
	}
	reason, problem := textcheck.Block(d.Reason)
	d.Reason = reason
	switch {
	case problem == textcheck.ProblemInvalid:
		f.Add("reason", "调整理由含有无效字符", "reason contains invalid characters")
	case d.Reason == "":
		f.Add("reason", "须填写调整理由", "reason is required")
	case utf8.RuneCountInString(d.Reason) > 500:
		f.Add("reason", "调整理由不超过 500 字", "reason is at most 500 characters")
	case problem == textcheck.ProblemControl:
		f.Add("reason", "调整理由含有控制字符或改变文字方向的字符", "reason contains control or bidirectional override characters")
	}
	return centi, f.Err()
}

// adjustmentResponse is the stored adjustment and the commissioner's line
// as it stands with it.
type adjustmentResponse struct {
	models.EvaluationAdjustment
	Score float64 `json:"score"`
	Grade string  `json:"grade"`
	Rank  int     `json:"rank"`
}

func (h *Evaluations) adjust(c echo.Context) error {
	year, region, err := h.scope(c, true)
	if err != nil {
		return err
	}
	var dto adjustmentDTO
	if err := BindJSON(c, &dto); err != nil {
		return err
	}
	centi, err := dto.validate()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	by := models.Attribution{Actor: Caller(c), RequestID: RequestID(c)}
	adj, created, err := h.d.DB.AdjustEvaluation(ctx, by, NormalizeID(dto.ID), year, region, dto.CommissionerID, centi, dto.Reason)
	if err != nil {
		return err
	}
	out := adjustmentResponse{EvaluationAdjustment: *adj}
	st, err := h.d.DB.Standings(ctx, year, region)
	if err != nil {
		return err
	}
	for _, l := range st.Lines {
		if l.CommissionerID == adj.CommissionerID {
			out.Score, out.Grade, out.Rank = evalPoints(l.Score), l.Grade, l.Rank
		}
	}
	if !created {
		return c.JSON(http.StatusOK, out)
	}
	return c.JSON(http.StatusCreated, out)
}
