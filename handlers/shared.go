package handlers

import (
	"context"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
)

// The functions below are the API's own request rules, exported so that
// the web console reads records and statistics through the same scope and
// validation as the JSON endpoints.

// Read returns the live record of type typ and id that p may see; a
// record outside p's scope is 404, as on GET /{type}s/{id}.
func (r *Records) Read(ctx context.Context, p *models.Principal, typ, id string) (models.Record, error) {
	sp, ok := r.specs[typ]
	if !ok {
		return nil, apierr.NotFound()
	}
	return r.readable(ctx, p, sp, id, "")
}

// RecordFilter narrows a record list as the list endpoints' query does.
type RecordFilter struct {
	Region, CommissionerID string
	From, To               time.Time // UTC instants [From, To); zero for open
	Limit                  int
	Cursor                 string
}

// List returns a page of the records of type typ that p may see and f
// keeps, newest first, with the next page's cursor ("" on the last).
func (r *Records) List(ctx context.Context, p *models.Principal, typ string, f RecordFilter) ([]models.Record, string, error) {
	sp, ok := r.specs[typ]
	if !ok {
		return nil, "", apierr.NotFound()
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	q := listQuery{region: f.Region, commissionerID: f.CommissionerID, from: f.From, to: f.To,
		page: Page{Limit: f.Limit, Cursor: f.Cursor}}
	return r.list(ctx, p, sp, q)
}

// Region resolves ?region= of a statistics request as the statistics
// endpoints do: the caller's scope by default, 400, 403 or 404 otherwise.
func (h *Stats) Region(c echo.Context) (*models.Region, error) { return h.statsRegion(c) }

// StatsPeriod reads ?from=&to= or ?year= of a statistics request (the
// current year by default).
func StatsPeriod(c echo.Context) (models.Period, error) { return statsPeriod(c) }

// StatsYear reads ?year= of a report by calendar year.
func StatsYear(c echo.Context) (int, error) { return statsYear(c) }

// SummarySentences are the work report's sentences for a region named name
// and year, as GET /stats/summary answers them.
func SummarySentences(name string, year int, f *models.SummaryFigures) []string {
	var out []string
	for _, g := range summaryReport(name, year, f) {
		out = append(out, g.sentence)
	}
	return out
}

// Wan writes fen as 万元 with two decimals, as the work report does.
func Wan(fen int64) string { return wan(fen) }

// Scope reads the year and region of an evaluation request and checks the
// caller may read it, or change it when write, as the evaluation
// endpoints do.
func (h *Evaluations) Scope(c echo.Context, write bool) (int, string, error) {
	return h.scope(c, write)
}

// ValidateAdjustment checks an evaluation adjustment as POST
// /evaluations/{year}/adjustments does and returns its points in
// hundredths and the trimmed reason.
func ValidateAdjustment(id, commissionerID string, points *float64, reason string) (int64, string, error) {
	d := adjustmentDTO{ID: id, CommissionerID: commissionerID, Points: points, Reason: reason}
	centi, err := d.validate()
	return centi, d.Reason, err
}

// Scorecard returns a commissioner's scorecard of year as GET
// /me/scorecard answers it, with the region of the evaluation it is from.
func (h *Evaluations) Scorecard(c echo.Context, year int, commissionerID string) (any, string, error) {
	sc, err := h.loadScorecard(c, year, commissionerID)
	if err != nil {
		return nil, "", err
	}
	return sc, sc.RegionCode, nil
}
