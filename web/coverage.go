package web

import (
	"html/template"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
)

// gapPage is how many gap villages the coverage page lists at once.
const gapPage = 30

// coverageData is the coverage page: totals, a row per child region (the
// villages themselves at township level) and one gap list.
type coverageData struct {
	*periodForm
	Totals     models.CoverageFigures
	Children   []models.CoverageRow
	Villages   bool // the children are villages
	Gap        string
	GapRegion  string
	Gaps       []models.GapVillage
	GapMore    template.URL // the next page's address, "" on the last
	Provinces  []models.Region
	GapOptions []models.CoverageRow
}

// coverage shows GET /stats/coverage and /stats/coverage/gaps of a region
// and period, from the same models functions.
func (w *Console) coverage(c echo.Context, v *view) error {
	v.Nav, v.Title = "coverage", v.T("coverage")
	ctx := c.Request().Context()
	if c.QueryParam("region") == "" && v.User.RegionCode == "" {
		provinces, err := w.d.DB.RegionChildren(ctx, "", "", 100)
		if err != nil {
			return err
		}
		v.Data = coverageData{Provinces: provinces}
		return w.render(c, http.StatusOK, "coverage", v)
	}
	f, err := w.readPeriod(c, false)
	if err != nil {
		return err
	}
	cov, err := w.d.DB.Coverage(ctx, f.Region.Code, f.Period)
	if err != nil {
		return err
	}
	d := coverageData{periodForm: f, Totals: cov.Totals, Children: cov.Children,
		Villages: f.Region.Level == models.LevelTownship, Gap: c.QueryParam("gap")}
	if d.Gap == "" {
		d.Gap = models.GapUnvisited
	}
	if d.Gap != models.GapUnvisited && d.Gap != models.GapUnassigned {
		return apierr.BadRequest("gap 须为 unassigned 或 unvisited", "gap must be unassigned or unvisited")
	}
	if f.Region.Level != models.LevelVillage && f.Region.Level != models.LevelTownship {
		d.GapOptions = cov.Children
	}
	if err := w.gapList(c, &d); err != nil {
		return err
	}
	return w.render(c, http.StatusOK, "coverage", v.with(d))
}

// gapList fills one page of the gap list, narrowed to a child region when
// the filter names one of them.
func (w *Console) gapList(c echo.Context, d *coverageData) error {
	code := d.Region.Code
	if g := c.QueryParam("gap_region"); g != "" {
		for _, r := range d.Children {
			if r.Code == g {
				code, d.GapRegion = g, g
			}
		}
	}
	after := c.QueryParam("after")
	gaps, err := w.d.DB.CoverageGaps(c.Request().Context(), code, d.Period, d.Gap, after, gapPage+1)
	if err != nil {
		return err
	}
	if len(gaps) > gapPage {
		gaps = gaps[:gapPage]
		q, _ := url.ParseQuery(d.Query())
		q.Set("gap", d.Gap)
		q.Set("gap_region", d.GapRegion)
		q.Set("after", gaps[gapPage-1].Code)
		d.GapMore = template.URL("?" + q.Encode())
	}
	d.Gaps = gaps
	return nil
}

// with sets the page's data and returns v.
func (v *view) with(data any) *view {
	v.Data = data
	return v
}
