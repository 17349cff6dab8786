package web

import (
	"cmp"
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/handlers"
	"github.com/tepai/tepai/models"
)

// quietDays is how long without a visit or training makes a commissioner
// quiet.
const quietDays = 30

// activityPageRows is how many commissioners a page of the activity
// table lists.
const activityPageRows = 100

// activityRow is one commissioner on the activity page.
type activityRow struct {
	models.ServiceGroup
	models.FieldActivity
	Quiet bool
}

// activityData is the activity page: the period's service totals, one
// page of the commissioners in scope (the quiet ones first) and the visit
// feed.
type activityData struct {
	*periodForm
	Totals   models.ServiceFigures
	Rows     []activityRow
	Quiet    int
	Feed     []visitRow
	FeedMore template.URL
	// Listed is how many commissioners the table has over all its pages;
	// Page and Pages number this page of them (from 1), First and Last
	// its first and last rows.
	Listed, Page, Pages, First, Last int
	PrevPage, NextPage               template.URL
}

// activity shows who worked in a region and period, from the figures of
// GET /stats/services?group_by=commissioner (those the page shows) and the
// visit list. The headline figures and the quiet count are the whole
// region's; the commissioners' table shows a page of activityPageRows
// (query parameter page, from 1).
func (w *Console) activity(c echo.Context, v *view) error {
	v.Nav, v.Title = "activity", v.T("activity")
	ctx := c.Request().Context()
	f, err := w.readPeriod(c, false)
	if err != nil {
		return err
	}
	page := 1
	if s := c.QueryParam("page"); s != "" {
		if page, err = strconv.Atoi(s); err != nil || page < 1 {
			return apierr.BadRequest("page 须为正整数", "page must be a positive whole number")
		}
	}
	// The totals, the commissioners' table and the feed do not depend on
	// each other: read at once, on connections of their own.
	d := activityData{periodForm: f}
	var feedNext string
	err = models.Together(func() (err error) {
		d.Totals, err = w.d.DB.ServiceTotals(ctx, f.Region.Code, f.Period)
		return err
	}, func() error {
		return w.commissionerPage(ctx, f, page, &d)
	}, func() (err error) {
		feedNext, err = w.feed(c, &d)
		return err
	})
	if err != nil {
		return err
	}
	if feedNext != "" {
		q, _ := url.ParseQuery(f.Query())
		q.Set("cursor", feedNext)
		if d.Page > 1 {
			q.Set("page", strconv.Itoa(d.Page))
		}
		d.FeedMore = template.URL("?" + q.Encode() + "#feed")
	}
	return w.render(c, http.StatusOK, "activity", v.with(d))
}

// commissionerPage fills the table's page (from 1; past the last, the
// last) of the commissioners in f's region and period, the quiet ones
// first, with the count of quiet ones and the links to the pages before
// and after.
func (w *Console) commissionerPage(ctx context.Context, f *periodForm, page int, d *activityData) error {
	all, err := w.d.DB.ActivityRoster(ctx, f.Region.Code, f.Period)
	if err != nil {
		return err
	}
	d.Listed = len(all)
	since := time.Now().In(shanghai).AddDate(0, 0, -quietDays).Format(time.DateOnly)
	quiet := func(e models.ActivityEntry) bool { return e.LastWorked() < since }
	slices.SortStableFunc(all, func(a, b models.ActivityEntry) int {
		qa, qb := quiet(a), quiet(b)
		if qa != qb {
			if qa {
				return -1
			}
			return 1
		}
		if qa {
			return cmp.Compare(a.LastWorked(), b.LastWorked())
		}
		return 0
	})
	for _, e := range all {
		if quiet(e) {
			d.Quiet++
		}
	}
	d.Pages = max(1, (len(all)+activityPageRows-1)/activityPageRows)
	d.Page = min(page, d.Pages)
	d.First = (d.Page-1)*activityPageRows + 1
	shown := all[min(len(all), d.First-1):min(len(all), d.Page*activityPageRows)]
	d.Last = d.First + len(shown) - 1
	figs, acts, err := w.d.DB.ActivityOf(ctx, f.Region.Code, f.Period, shown, len(all))
	if err != nil {
		return err
	}
	for _, e := range shown {
		d.Rows = append(d.Rows, activityRow{ServiceGroup: models.ServiceGroup{Key: e.Key, Name: e.Name, ServiceFigures: figs[e.Key]},
			FieldActivity: *acts[e.Key], Quiet: quiet(e)})
	}
	pageLink := func(n int) template.URL {
		q, _ := url.ParseQuery(f.Query())
		if n > 1 {
			q.Set("page", strconv.Itoa(n))
		}
		return template.URL("?" + q.Encode() + "#commissioners")
	}
	if d.Page > 1 {
		d.PrevPage = pageLink(d.Page - 1)
	}
	if d.Page < d.Pages {
		d.NextPage = pageLink(d.Page + 1)
	}
	return nil
}

// feed fills one page of the period's visits, newest first, and returns
// the next page's cursor ("" on the last).
func (w *Console) feed(c echo.Context, d *activityData) (string, error) {
	ctx, p := c.Request().Context(), handlers.Caller(c)
	from, to := d.Period.Instants()
	recs, next, err := w.records.List(ctx, p, handlers.TypeVisit, handlers.RecordFilter{
		Region: d.Region.Code, From: from, To: to, Limit: 20, Cursor: c.QueryParam("cursor")})
	if err != nil {
		return "", err
	}
	d.Feed, err = w.visitRows(ctx, p, recs)
	return next, err
}
