package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
)

// rubricData is the rubric form: the rubric that applies now, or the one
// refused, with why.
type rubricData struct {
	Year   int
	Region *models.Region
	Rubric models.Rubric
	Alert  string
}

// rubricForm shows the rubric of a year and region for editing (bureau
// and admin in scope, as PUT /evaluations/{year}/rubric).
func (w *Console) rubricForm(c echo.Context, v *view) error {
	year, code, err := w.evals.Scope(c, true)
	if err != nil {
		return err
	}
	info, err := w.d.DB.ResolveRubric(c.Request().Context(), year, code)
	if err != nil {
		return err
	}
	return w.renderRubric(c, v, http.StatusOK, year, code, info.Rubric, "")
}

func (w *Console) renderRubric(c echo.Context, v *view, status, year int, code string, r models.Rubric, alert string) error {
	v.Nav, v.Title = "evaluation", v.T("rubric")
	region, err := w.d.DB.GetRegion(c.Request().Context(), code)
	if err != nil {
		return err
	}
	return w.render(c, status, "rubric", v.with(rubricData{Year: year, Region: region, Rubric: r, Alert: alert}))
}

// saveRubric stores the rubric of the form after the API's validation; a
// refused rubric comes back with the reasons and nothing is stored.
func (w *Console) saveRubric(c echo.Context, v *view) error {
	year, code, err := w.evals.Scope(c, true)
	if err != nil {
		return err
	}
	var f apierr.Fields
	r := rubricOfForm(c, &f)
	r.Validate(&f)
	if err = f.Err(); err == nil {
		err = w.d.DB.PutRubric(c.Request().Context(), w.attribution(c, v), year, code, r)
	}
	if err != nil {
		e, ok := apierr.As(err)
		if !ok {
			return err
		}
		msg := e.Message(v.Lang)
		for _, d := range e.Details {
			msg += "；" + d.Field + "：" + map[bool]string{true: d.EN, false: d.ZH}[v.Lang == "en"]
		}
		return w.renderRubric(c, v, e.Status, year, code, r, msg)
	}
	return c.Redirect(http.StatusSeeOther, evaluationLink(year, code))
}

// rubricOfForm reads the rubric form: per indicator key its target,
// weight and cap (an indicator with an empty weight is left out), the
// grade cut-offs, the 优秀 share cap and the deductions.
func rubricOfForm(c echo.Context, f *apierr.Fields) models.Rubric {
	num := func(name string) (float64, bool) {
		s := strings.TrimSpace(c.FormValue(name))
		if s == "" {
			return 0, false
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			f.Add(name, "须为数字", "must be a number")
			return 0, false
		}
		return x, true
	}
	r := models.Rubric{Grades: map[string]float64{}, Deductions: models.DefaultRubric().Deductions}
	for _, key := range c.Request().Form["key"] {
		w, ok := num("weight_" + key)
		if !ok {
			continue
		}
		ind := models.Indicator{Key: key, Weight: w, Cap: 1}
		ind.Target, _ = num("target_" + key)
		if cp, ok := num("cap_" + key); ok {
			ind.Cap = cp
		}
		r.Indicators = append(r.Indicators, ind)
	}
	for _, g := range []string{models.GradeExcellent, models.GradePass, models.GradeBasic} {
		if x, ok := num("grade_" + g); ok {
			r.Grades[g] = x
		}
	}
	if x, ok := num("excellent_share_cap"); ok {
		x /= 100
		r.ExcellentShareCap = &x
	}
	if x, ok := num("per_flagged_visit"); ok {
		r.Deductions.PerFlaggedVisit = x
	}
	if x, ok := num("deduction_max"); ok {
		r.Deductions.Max = x
	}
	return r
}
