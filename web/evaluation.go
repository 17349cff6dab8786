package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/handlers"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// evaluationData is the evaluation page of a year and region: the rubric
// that applies, the ranked list when it was run, and the bureau's forms.
type evaluationData struct {
	Year      int
	Region    *models.Region
	Rubric    *models.RubricInfo
	Standings *models.Standings
	Excellent int    // lines graded 优秀
	CapCount  int    // the most 优秀 the share cap allows, -1 without a cap
	Manage    bool   // the caller may run, adjust and lock
	Alert     string // why the last form was refused
	Points    string // the refused adjustment, shown again
	Reason    string //
	Chosen    string //
	// AdjustmentID is the adjustment form's id: a form sent twice (a
	// double click, a resent page) adds its points once.
	AdjustmentID string
	Share        float64 // the share cap, 0–1
}

// evaluation shows GET /evaluations/{year}: the rubric and the ranked
// list with grades.
func (w *Console) evaluation(c echo.Context, v *view) error {
	return w.evaluationPage(c, v, http.StatusOK, nil)
}

// evaluationPage renders the evaluation page, with the refusal of a
// posted form when refused is not nil.
func (w *Console) evaluationPage(c echo.Context, v *view, status int, refused error) error {
	v.Nav, v.Title = "evaluation", v.T("evaluation")
	year, code, err := w.evals.Scope(c, false)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	d := evaluationData{Year: year, CapCount: -1, Manage: v.User.Role == models.RoleAdmin || v.User.Role == models.RoleBureau}
	if d.Region, err = w.d.DB.GetRegion(ctx, code); err != nil {
		return err
	}
	if d.Rubric, err = w.d.DB.ResolveRubric(ctx, year, code); err != nil {
		return err
	}
	d.Standings, err = w.d.DB.Standings(ctx, year, code)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		d.Standings, err = nil, nil
	}
	if err != nil {
		return err
	}
	if d.Standings != nil {
		for _, l := range d.Standings.Lines {
			if l.Grade == models.GradeExcellent {
				d.Excellent++
			}
		}
		if sc := d.Standings.Run.Rubric.ExcellentShareCap; sc != nil {
			d.Share = *sc
			d.CapCount = int(*sc * float64(len(d.Standings.Lines)))
		}
	}
	if refused != nil {
		e, ok := apierr.As(refused)
		if !ok {
			return refused
		}
		d.Alert = e.Message(v.Lang)
		for _, det := range e.Details {
			d.Alert += " " + map[bool]string{true: det.EN, false: det.ZH}[v.Lang == "en"]
		}
		status = e.Status
		d.Points, d.Reason, d.Chosen = c.FormValue("points"), c.FormValue("reason"), c.FormValue("commissioner_id")
		d.AdjustmentID = handlers.NormalizeID(c.FormValue("id"))
	}
	if d.AdjustmentID == "" {
		d.AdjustmentID = models.NewID()
	}
	return w.render(c, status, "evaluation", v.with(d))
}

// evaluationLink is the address of the evaluation page of year and region.
func evaluationLink(year int, region string) string {
	return fmt.Sprintf("/evaluations/%d?region=%s", year, region)
}

// runEvaluation computes the scores, as POST /evaluations/{year}/runs.
func (w *Console) runEvaluation(c echo.Context, v *view) error {
	year, code, err := w.evals.Scope(c, true)
	if err != nil {
		return err
	}
	if _, err := w.d.DB.RunEvaluation(c.Request().Context(), w.attribution(c, v), year, code); err != nil {
		return w.evaluationPage(c, v, 0, err)
	}
	return c.Redirect(http.StatusSeeOther, evaluationLink(year, code))
}

// adjustEvaluation adds an adjustment with its required reason, as POST
// /evaluations/{year}/adjustments.
func (w *Console) adjustEvaluation(c echo.Context, v *view) error {
	year, code, err := w.evals.Scope(c, true)
	if err != nil {
		return err
	}
	var points *float64
	if s := c.FormValue("points"); s != "" {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			points = &f
		} else {
			return w.evaluationPage(c, v, 0, apierr.Invalid("points", "调整分值须为数字", "points must be a number"))
		}
	}
	id := handlers.NormalizeID(c.FormValue("id"))
	centi, reason, err := handlers.ValidateAdjustment(id, c.FormValue("commissioner_id"), points, c.FormValue("reason"))
	if err == nil {
		_, _, err = w.d.DB.AdjustEvaluation(c.Request().Context(), w.attribution(c, v), id, year, code, c.FormValue("commissioner_id"), centi, reason)
	}
	if err != nil {
		return w.evaluationPage(c, v, 0, err)
	}
	return c.Redirect(http.StatusSeeOther, evaluationLink(year, code))
}

// lockEvaluation makes the year final, as POST /evaluations/{year}/lock,
// once the form's confirmation box is ticked.
func (w *Console) lockEvaluation(c echo.Context, v *view) error {
	year, code, err := w.evals.Scope(c, true)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "yes" {
		return w.evaluationPage(c, v, 0, apierr.Invalid("confirm", "请勾选确认后再锁定", "tick the confirmation to lock"))
	}
	if _, err := w.d.DB.LockEvaluation(c.Request().Context(), w.attribution(c, v), year, code); err != nil {
		return w.evaluationPage(c, v, 0, err)
	}
	return c.Redirect(http.StatusSeeOther, evaluationLink(year, code))
}

// attribution names the caller and request for the audit trail.
func (w *Console) attribution(c echo.Context, v *view) models.Attribution {
	return models.Attribution{Actor: v.User, RequestID: handlers.RequestID(c)}
}

// scorecard shows one commissioner's scorecard, as GET /me/scorecard
// shows a commissioner its own: a commissioner sees only its own, others
// those of evaluations in their scope; anything else is 404.
func (w *Console) scorecard(c echo.Context, v *view) error {
	v.Nav, v.Title = "evaluation", v.T("scorecard")
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil || year < 2000 || year > 2100 {
		return apierr.BadRequest("年份须为 2000 到 2100 的整数", "year must be an integer from 2000 to 2100")
	}
	id, p := c.Param("id"), v.User
	if p.Role == models.RoleCommissioner && p.CommissionerID != id {
		return apierr.NotFound()
	}
	sc, region, err := w.evals.Scorecard(c, year, id)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		err = apierr.NotFound()
	}
	if e, ok := apierr.As(err); ok && e.Status == http.StatusNotFound && p.CommissionerID == id {
		return w.render(c, http.StatusOK, "scorecard", v.with(nil)) // its own, not evaluated yet
	}
	if err != nil {
		return err
	}
	if p.Role != models.RoleCommissioner && !p.Sees(region) {
		return apierr.NotFound()
	}
	return w.render(c, http.StatusOK, "scorecard", v.with(sc))
}
