package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
)

// rubricIndicatorDTO is one indicator of a rubric as the client sends it.
type rubricIndicatorDTO struct {
	Key    string   `json:"key"`
	Target *float64 `json:"target"`
	Weight *float64 `json:"weight"`
	Cap    *float64 `json:"cap"`
}

// rubricDTO is the body of PUT /evaluations/{year}/rubric.
type rubricDTO struct {
	Indicators        []rubricIndicatorDTO `json:"indicators"`
	Grades            map[string]float64   `json:"grades"`
	ExcellentShareCap *float64             `json:"excellent_share_cap"`
	Deductions        *struct {
		PerFlaggedVisit *float64 `json:"per_flagged_visit"`
		Max             *float64 `json:"max"`
	} `json:"deductions"`
}

// rubric turns the body into a rubric, filling the defaults (cap 1, the
// default deductions) and noting missing fields in f.
func (d *rubricDTO) rubric(f *apierr.Fields) models.Rubric {
	r := models.Rubric{Grades: d.Grades, ExcellentShareCap: d.ExcellentShareCap, Deductions: models.DefaultRubric().Deductions}
	if r.Grades == nil {
		r.Grades = map[string]float64{}
	}
	for i, in := range d.Indicators {
		r.Indicators = append(r.Indicators, in.indicator(f, fmt.Sprintf("indicators[%d].", i)))
	}
	if d.Deductions != nil {
		if d.Deductions.PerFlaggedVisit != nil {
			r.Deductions.PerFlaggedVisit = *d.Deductions.PerFlaggedVisit
		}
		if d.Deductions.Max != nil {
			r.Deductions.Max = *d.Deductions.Max
		}
	}
	return r
}

// indicator turns one indicator of the body into a rubric's (cap 1 when
// absent), noting a missing target or weight in f under prefix p.
func (in rubricIndicatorDTO) indicator(f *apierr.Fields, p string) models.Indicator {
	ind := models.Indicator{Key: in.Key, Cap: 1}
	if in.Target == nil {
		f.Add(p+"target", "缺少目标值", "target is required")
	} else {
		ind.Target = *in.Target
	}
	if in.Weight == nil {
		f.Add(p+"weight", "缺少权重", "weight is required")
	} else {
		ind.Weight = *in.Weight
	}
	if in.Cap != nil {
		ind.Cap = *in.Cap
	}
	return ind
}

func (h *Evaluations) getRubric(c echo.Context) error {
	year, region, err := h.scope(c, false)
	if err != nil {
		return err
	}
	info, err := h.d.DB.ResolveRubric(c.Request().Context(), year, region)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, info)
}

func (h *Evaluations) putRubric(c echo.Context) error {
	year, region, err := h.scope(c, true)
	if err != nil {
		return err
	}
	var dto rubricDTO
	if err := BindJSON(c, &dto); err != nil {
		return err
	}
	var f apierr.Fields
	r := dto.rubric(&f)
	r.Validate(&f)
	if err := f.Err(); err != nil {
		return err
	}
	by := models.Attribution{Actor: Caller(c), RequestID: RequestID(c)}
	if err := h.d.DB.PutRubric(c.Request().Context(), by, year, region, r); err != nil {
		return err
	}
	info, err := h.d.DB.ResolveRubric(c.Request().Context(), year, region)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, info)
}
