package web

import (
	"cmp"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/handlers"
	"github.com/tepai/tepai/models"
)

// quietDays is how long without a visit or training makes a commissioner
// quiet.
const quietDays = 30

// activityRow is one commissioner on the activity page.
type activityRow struct {
	models.ServiceGroup
	models.FieldActivity
	Quiet bool
}

// activityData is the activity page: the period's service totals, every
// commissioner in scope (the quiet ones first) and the visit feed.
type activityData struct {
	*periodForm
	Totals   models.ServiceFigures
	Rows     []activityRow
	Quiet    int
	Feed     []visitRow
	FeedMore template.URL
}

// activity shows who worked in a region and period, from the figures of
// GET /stats/services?group_by=commissioner (those the page shows) and the
// visit list.
func (w *Console) activity(c echo.Context, v *view) error {
	v.Nav, v.Title = "activity", v.T("activity")
	ctx := c.Request().Context()
	f, err := w.readPeriod(c, false)
	if err != nil {
		return err
	}
	svc, err := w.d.DB.CommissionerActivity(ctx, f.Region.Code, f.Period)
	if err != nil {
		return err
	}
	acts, err := w.d.DB.FieldActivityIn(ctx, f.Region.Code, f.Period)
	if err != nil {
		return err
	}
	d := activityData{periodForm: f, Totals: svc.Totals}
	since := time.Now().In(shanghai).AddDate(0, 0, -quietDays).Format(time.DateOnly)
	for _, g := range svc.Groups {
		row := activityRow{ServiceGroup: g}
		if a := acts[g.Key]; a != nil {
			row.FieldActivity = *a
		}
		row.Quiet = row.LastWorked() < since
		if row.Quiet {
			d.Quiet++
		}
		d.Rows = append(d.Rows, row)
	}
	slices.SortStableFunc(d.Rows, func(a, b activityRow) int {
		if a.Quiet != b.Quiet {
			if a.Quiet {
				return -1
			}
			return 1
		}
		if a.Quiet {
			return cmp.Compare(a.LastWorked(), b.LastWorked())
		}
		return 0
	})
	if err := w.feed(c, &d); err != nil {
		return err
	}
	return w.render(c, http.StatusOK, "activity", v.with(d))
}

// feed fills one page of the period's visits, newest first.
func (w *Console) feed(c echo.Context, d *activityData) error {
	ctx, p := c.Request().Context(), handlers.Caller(c)
	from, to := d.Period.Instants()
	recs, next, err := w.records.List(ctx, p, handlers.TypeVisit, handlers.RecordFilter{
		Region: d.Region.Code, From: from, To: to, Limit: 20, Cursor: c.QueryParam("cursor")})
	if err != nil {
		return err
	}
	if d.Feed, err = w.visitRows(ctx, p, recs); err != nil {
		return err
	}
	if next != "" {
		q, _ := url.ParseQuery(d.Query())
		q.Set("cursor", next)
		d.FeedMore = template.URL("?" + q.Encode() + "#feed")
	}
	return nil
}
