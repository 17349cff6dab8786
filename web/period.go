package web

import (
	"html/template"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/handlers"
	"github.com/tepai/tepai/models"
)

// periodForm is the region and period a statistics page shows, as the
// page's form and links carry them.
type periodForm struct {
	Region   *models.Region
	Crumbs   []models.Region // the region's ancestors inside the caller's scope
	Period   models.Period
	Year     int // 0 when the period is from–to
	Years    []int
	From, To string
}

// Query is the region and period as a query string, for links and
// exports: the same parameters the API takes.
func (f periodForm) Query() string {
	q := url.Values{"region": {f.Region.Code}}
	if f.Year != 0 {
		q.Set("year", strconv.Itoa(f.Year))
	} else {
		q.Set("from", f.Period.From)
		q.Set("to", f.Period.To)
	}
	return q.Encode()
}

// Link is the address of page path for another region of the same
// period.
func (f periodForm) Link(path, code string) template.URL {
	g := f
	g.Region = &models.Region{Code: code}
	return template.URL(path + "?" + g.Query())
}

// With is Query for another region of the same period.
func (f periodForm) With(code string) string {
	g := f
	g.Region = &models.Region{Code: code}
	return g.Query()
}

// readPeriod resolves a statistics page's region and period with the
// API's own rules (scope, defaults, 400/403/404).
func (w *Console) readPeriod(c echo.Context, byYear bool) (*periodForm, error) {
	region, err := w.stats.Region(c)
	if err != nil {
		return nil, err
	}
	f := &periodForm{Region: region, From: c.QueryParam("from"), To: c.QueryParam("to")}
	if byYear || (f.From == "" && f.To == "") {
		y := time.Now().In(shanghai).Year()
		if c.QueryParam("year") != "" || byYear {
			if y, err = handlers.StatsYear(c); err != nil {
				return nil, err
			}
		}
		f.Year, f.Period = y, models.YearPeriod(y)
	} else if f.Period, err = handlers.StatsPeriod(c); err != nil {
		return nil, err
	}
	now := time.Now().In(shanghai).Year()
	for y := now; y >= now-5; y-- {
		f.Years = append(f.Years, y)
	}
	f.Crumbs, err = w.crumbs(c, region.Code)
	return f, err
}

// crumbs lists the ancestors of code that the caller sees, top down.
func (w *Console) crumbs(c echo.Context, code string) ([]models.Region, error) {
	p := handlers.Caller(c)
	var out []models.Region
	for _, n := range []int{2, 4, 6, 9} {
		if n >= len(code) || !p.Sees(code[:n]) {
			continue
		}
		r, err := w.d.DB.GetRegion(c.Request().Context(), code[:n])
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, nil
}
