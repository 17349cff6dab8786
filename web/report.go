package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/handlers"
	"github.com/tepai/tepai/models"
)

// reportData is the work report: the figures and sentences of GET
// /stats/summary, and a coverage and service table per child region.
type reportData struct {
	*periodForm
	Figures   *models.SummaryFigures
	Sentences []string
	Wan       map[string]string
	Children  []reportRow
}

// reportRow is one child region's line of the report's table.
type reportRow struct {
	models.CoverageRow
	Services models.ServiceFigures
}

// report shows a region's work report for a year, ready to print on A4.
func (w *Console) report(c echo.Context, v *view) error {
	v.Nav, v.Title = "report", v.T("report")
	ctx := c.Request().Context()
	f, err := w.readPeriod(c, true)
	if err != nil {
		return err
	}
	// Above village level the page counts coverage and services once, by
	// child region, and the summary takes its totals from them.
	var s *models.SummaryFigures
	var children []reportRow
	if f.Region.Level != models.LevelVillage {
		// Coverage, services and the rest of the summary are read at
		// once; the summary takes the totals of the first two after.
		var cov *models.Coverage
		var svc *models.Services
		err := models.Together(func() (err error) {
			cov, err = w.d.DB.Coverage(ctx, f.Region.Code, f.Period)
			return err
		}, func() (err error) {
			svc, err = w.d.DB.Services(ctx, f.Region.Code, f.Period, models.GroupByRegion)
			return err
		}, func() (err error) {
			s, err = w.d.DB.SummaryFrom(ctx, f.Region.Code, f.Year, models.CoverageFigures{}, models.ServiceFigures{})
			return err
		})
		if err != nil {
			return err
		}
		s.CoverageFigures, s.ServiceFigures = cov.Totals, svc.Totals
		byCode := map[string]models.ServiceFigures{}
		for _, g := range svc.Groups {
			byCode[g.Key] = g.ServiceFigures
		}
		for _, ch := range cov.Children {
			children = append(children, reportRow{CoverageRow: ch, Services: byCode[ch.Code]})
		}
	} else if s, err = w.d.DB.Summary(ctx, f.Region.Code, f.Year); err != nil {
		return err
	}
	d := reportData{periodForm: f, Figures: s, Sentences: handlers.SummarySentences(f.Region.Name, f.Year, s),
		Wan: map[string]string{"project_funds": handlers.Wan(s.ProjectFundsFen), "income_increase": handlers.Wan(s.IncomeIncreaseFen),
			"plot_income_increase": handlers.Wan(s.PlotIncomeIncreaseFen)}, Children: children}
	return w.render(c, http.StatusOK, "report", v.with(d))
}
