package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
)

// servicesData is the services page: the totals of GET /stats/services
// and its groups, with the largest visit count for the chart's scale.
type servicesData struct {
	*periodForm
	GroupBy   string
	Totals    models.ServiceFigures
	Groups    []models.ServiceGroup
	MaxVisits int64
}

// services shows the service output of a region and period grouped by
// child region, month or commissioner.
func (w *Console) services(c echo.Context, v *view) error {
	v.Nav, v.Title = "services", v.T("services")
	f, err := w.readPeriod(c, false)
	if err != nil {
		return err
	}
	d := servicesData{periodForm: f, GroupBy: c.QueryParam("group_by")}
	if d.GroupBy == "" {
		d.GroupBy = models.GroupByRegion
	}
	switch d.GroupBy {
	case models.GroupByRegion, models.GroupByMonth, models.GroupByCommissioner:
	default:
		return apierr.BadRequest("group_by 须为 region、month 或 commissioner", "group_by must be region, month or commissioner")
	}
	svc, err := w.d.DB.Services(c.Request().Context(), f.Region.Code, f.Period, d.GroupBy)
	if err != nil {
		return err
	}
	d.Totals, d.Groups = svc.Totals, svc.Groups
	for _, g := range d.Groups {
		d.MaxVisits = max(d.MaxVisits, g.Visits)
	}
	return w.render(c, http.StatusOK, "services", v.with(d))
}

// incomeRow is one child region's farmer income.
type incomeRow struct {
	models.Region
	models.IncomeFigures
}

// incomeData is the income page: the figures of GET /stats/income for the
// region and for each child region, from the same rollup.
type incomeData struct {
	*periodForm
	Totals models.IncomeFigures
	Rows   []incomeRow
	MaxFen int64
}

// income shows the farmer income of a region and year, and of each child.
func (w *Console) income(c echo.Context, v *view) error {
	v.Nav, v.Title = "income", v.T("income")
	ctx := c.Request().Context()
	f, err := w.readPeriod(c, true)
	if err != nil {
		return err
	}
	d := incomeData{periodForm: f}
	if d.Totals, err = w.d.DB.Income(ctx, f.Region.Code, f.Year); err != nil {
		return err
	}
	if f.Region.Level != models.LevelVillage {
		kids, err := w.d.DB.RegionChildren(ctx, f.Region.Code, "", 1000)
		if err != nil {
			return err
		}
		for _, k := range kids {
			fig, err := w.d.DB.Income(ctx, k.Code, f.Year)
			if err != nil {
				return err
			}
			if k.Level == models.LevelVillage && fig.Households == 0 {
				continue // a village without tracked households is noise here
			}
			d.Rows = append(d.Rows, incomeRow{Region: k, IncomeFigures: fig})
			d.MaxFen = max(d.MaxFen, fig.IncomeIncreaseFen)
		}
	}
	return w.render(c, http.StatusOK, "income", v.with(d))
}
