package models

import (
	"context"
	"fmt"
)

// IncomeFigures are a region's farmer income figures for a year.
type IncomeFigures struct {
	Households            int64 `json:"households"`
	HouseholdsIncreased   int64 `json:"households_increased"`
	IncomeIncreaseFen     int64 `json:"income_increase_fen"`
	AvgIncreaseFen        int64 `json:"avg_increase_fen"`
	PlotIncomeIncreaseFen int64 `json:"plot_income_increase_fen"`
}

// Income reads the farmer income rollup of region for year.
func (db *DB) Income(ctx context.Context, region string, year int) (IncomeFigures, error) {
	var f IncomeFigures
	err := db.WithContext(ctx).Raw("SELECT COALESCE(SUM(households), 0) AS households, COALESCE(SUM(increased), 0) AS households_increased, "+
		"COALESCE(SUM(increase_fen), 0) AS income_increase_fen, COALESCE(SUM(plot_increase_fen), 0) AS plot_income_increase_fen "+
		"FROM stat_incomes WHERE region_code = ? AND year = ?", region, year).Scan(&f).Error
	if err != nil {
		return f, fmt.Errorf("income of %s: %w", region, err)
	}
	f.AvgIncreaseFen = divRound(f.IncomeIncreaseFen, f.Households)
	return f, nil
}

// divRound is a/b rounded half away from zero, 0 when b is 0.
func divRound(a, b int64) int64 {
	if b == 0 {
		return 0
	}
	if (a < 0) != (b < 0) {
		return -((abs(a) + abs(b)/2) / abs(b))
	}
	return (abs(a) + abs(b)/2) / abs(b)
}

func abs(a int64) int64 {
	if a < 0 {
		return -a
	}
	return a
}

// SummaryFigures are the figures of a work report for a region and year.
type SummaryFigures struct {
	Commissioners         int64 `json:"commissioners"`
	CommissionersProvince int64 `json:"commissioners_province"`
	CommissionersCity     int64 `json:"commissioners_city"`
	CommissionersCounty   int64 `json:"commissioners_county"`
	Teams                 int64 `json:"teams"`
	CoverageFigures
	ServiceFigures
	Projects        int64 `json:"projects"`
	ProjectFundsFen int64 `json:"project_funds_fen"`
	IncomeFigures
	DemandsResolved int64 `json:"demands_resolved"`
}

// Summary gathers the report figures of region for year: the rollups, and
// the small tables (commissioners, teams, projects, demands) counted
// directly.
func (db *DB) Summary(ctx context.Context, region string, year int) (*SummaryFigures, error) {
	p := YearPeriod(year)
	cov, err := db.coverageGroups(ctx, region, len(region), p)
	if err != nil {
		return nil, err
	}
	svc, err := db.serviceTotals(ctx, region, p)
	if err != nil {
		return nil, err
	}
	return db.SummaryFrom(ctx, region, year, cov[region], svc)
}

// SummaryFrom is Summary for a caller that already holds the region's
// coverage and service totals for the year (Coverage(region,
// YearPeriod(year)).Totals, Services(...).Totals): it takes those instead
// of counting them a second time, and gathers the rest.
func (db *DB) SummaryFrom(ctx context.Context, region string, year int, cov CoverageFigures, svc ServiceFigures) (*SummaryFigures, error) {
	p := YearPeriod(year)
	s := &SummaryFigures{CoverageFigures: cov, ServiceFigures: svc}
	s.CoverageFigures.rates()
	// The parts fill different fields of s, read at once.
	err := Together(func() (err error) {
		s.IncomeFigures, err = db.Income(ctx, region, year)
		return err
	}, func() error {
		return db.summaryPeople(ctx, region, p, s)
	}, func() error {
		return db.summaryWork(ctx, region, p, s)
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// inTerm is the condition for a commissioner (alias c, not deleted) whose
// term overlaps a period; its arguments are to, from.
const inTerm = "c.deleted_at IS NULL AND (c.term_start = '' OR c.term_start <= ?) AND (c.term_end = '' OR c.term_end >= ?)"

// assignedFrom is a derived table (alias s, column id) of the
// commissioners with an assignment active in a period to a village under a
// region, their own or their team's. Arguments: lo, hi, to, from twice.
const assignedFrom = "(SELECT a.commissioner_id AS id FROM assignments a WHERE a.village_code >= ? AND a.village_code < ? AND " +
	activeAssignment + " UNION ALL SELECT m.commissioner_id FROM assignments a JOIN team_members m ON m.team_id = a.team_id " +
	"WHERE a.village_code >= ? AND a.village_code < ? AND " + activeAssignment + ") s"

// summaryPeople counts, by level, the commissioners serving the region
// whose term overlaps the year: those based under it, and those based
// elsewhere with an assignment there (their own or their team's); and the
// teams based or assigned there.
func (db *DB) summaryPeople(ctx context.Context, region string, p Period, s *SummaryFigures) error {
	lo, hi := PrefixRange(region)
	var based, visiting []struct {
		Level string
		N     int64
	}
	q := db.WithContext(ctx)
	err := q.Raw("SELECT c.level, COUNT(*) AS n FROM commissioners c WHERE "+inTerm+" AND c.region_code >= ? AND c.region_code < ? GROUP BY c.level",
		p.To, p.From, lo, hi).Scan(&based).Error
	if err == nil {
		err = q.Raw("SELECT c.level, COUNT(DISTINCT c.id) AS n FROM "+assignedFrom+" JOIN commissioners c ON c.id = s.id WHERE "+inTerm+
			" AND NOT (c.region_code >= ? AND c.region_code < ?) GROUP BY c.level",
			lo, hi, p.To, p.From, lo, hi, p.To, p.From, p.To, p.From, lo, hi).Scan(&visiting).Error
	}
	if err != nil {
		return fmt.Errorf("summary commissioners: %w", err)
	}
	for _, l := range append(based, visiting...) {
		s.Commissioners += l.N
		switch l.Level {
		case CommissionerProvince:
			s.CommissionersProvince += l.N
		case CommissionerCity:
			s.CommissionersCity += l.N
		case CommissionerCounty:
			s.CommissionersCounty += l.N
		}
	}
	err = q.Raw("SELECT COUNT(*) FROM teams t JOIN (SELECT id FROM teams WHERE region_code >= ? AND region_code < ? "+
		"UNION SELECT a.team_id FROM assignments a WHERE a.village_code >= ? AND a.village_code < ? AND "+activeAssignment+") s "+
		"ON s.id = t.id WHERE t.deleted_at IS NULL", lo, hi, lo, hi, p.To, p.From).Scan(&s.Teams).Error
	if err != nil {
		return fmt.Errorf("summary teams: %w", err)
	}
	return nil
}

// summaryWork counts the projects running in the year with their funds,
// and the demands resolved in it.
func (db *DB) summaryWork(ctx context.Context, region string, p Period, s *SummaryFigures) error {
	lo, hi := PrefixRange(region)
	var proj struct{ N, Funds int64 }
	q := db.WithContext(ctx)
	err := q.Raw("SELECT COUNT(*) AS n, COALESCE(SUM(funds_fen), 0) AS funds FROM projects WHERE deleted_at IS NULL "+
		"AND region_code >= ? AND region_code < ? AND (start_date = '' OR start_date <= ?) AND (end_date = '' OR end_date >= ?)",
		lo, hi, p.To, p.From).Scan(&proj).Error
	if err != nil {
		return fmt.Errorf("summary projects: %w", err)
	}
	s.Projects, s.ProjectFundsFen = proj.N, proj.Funds
	from, to := p.Instants()
	err = q.Raw("SELECT COUNT(*) FROM demands WHERE deleted_at IS NULL AND region_code >= ? AND region_code < ? "+
		"AND status = ? AND resolved_at >= ? AND resolved_at < ?", lo, hi, DemandResolved, from, to).Scan(&s.DemandsResolved).Error
	if err != nil {
		return fmt.Errorf("summary demands: %w", err)
	}
	return nil
}
