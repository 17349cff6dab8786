// Package gen fills a database with a synthetic but plausible year of
// commissioner work on the real regions of a province, for benchmarks and
// demonstrations: people, teams, assignments, visits, trainings, plots and
// harvests, households and incomes, projects and demands. The statistics
// aggregates are rebuilt from the records at the end.
package gen

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// Options say what to generate.
type Options struct {
	// Prefix is the region subtree to fill, e.g. "33" for Zhejiang.
	Prefix string
	// DivisionsDir holds the NBS division CSVs, imported first.
	DivisionsDir string
	// Year is the year the records fall in.
	Year int
	// Scale multiplies every count; 1 is a province-scale year: ~8,000
	// commissioners, 400,000 visits, 40,000 trainings, 10,000 plots,
	// 100,000 households.
	Scale float64
	// Seed makes a run repeatable.
	Seed uint64
	// Progress, when not nil, hears what is being done.
	Progress func(format string, args ...any)
}

// Per-scale-1 counts.
const (
	baseCommissioners = 8000
	baseVisits        = 400000
	baseTrainings     = 40000
	basePlots         = 10000
	baseHouseholds    = 100000
	baseProjects      = 2000
	baseDemands       = 10000
)

// Counts are what a run wrote.
type Counts struct {
	Villages, Commissioners, Teams, Assignments, Visits, Trainings, Plots, Harvests, Households, Incomes, Projects, Demands int
}

// generator carries one run's state.
type generator struct {
	ctx    context.Context
	db     *models.DB
	opt    Options
	rng    *rand.Rand
	now    time.Time
	counts Counts
	// counties maps a county code to its rural villages.
	counties map[string][]string
	order    []string // county codes, sorted
	people   []*person
}

// person is a generated commissioner and the villages it serves.
type person struct {
	c        models.Commissioner
	villages []string
}

// Run generates the data and rebuilds the aggregates.
func Run(ctx context.Context, db *models.DB, opt Options) (Counts, error) {
	if opt.Scale <= 0 {
		return Counts{}, fmt.Errorf("scale must be positive")
	}
	g := &generator{ctx: ctx, db: db, opt: opt, rng: rand.New(rand.NewPCG(opt.Seed, uint64(opt.Year))), now: models.Now()}
	if g.opt.Progress == nil {
		g.opt.Progress = func(string, ...any) {}
	}
	steps := []struct {
		what string
		fn   func() error
	}{
		{"regions", g.regions}, {"commissioners", g.commissioners}, {"teams and assignments", g.assignments},
		{"visits", g.visits}, {"trainings", g.trainings}, {"plots and harvests", g.plots},
		{"households and incomes", g.households}, {"projects and demands", g.projectsAndDemands},
	}
	for _, s := range steps {
		start := time.Now()
		if err := s.fn(); err != nil {
			return g.counts, fmt.Errorf("generate %s: %w", s.what, err)
		}
		g.opt.Progress("%s done in %s", s.what, time.Since(start).Round(time.Millisecond))
	}
	start := time.Now()
	if err := db.RebuildRollups(ctx, nil); err != nil {
		return g.counts, err
	}
	g.opt.Progress("statistics aggregates rebuilt in %s", time.Since(start).Round(time.Millisecond))
	return g.counts, nil
}

// n scales a per-province count.
func (g *generator) n(base int) int { return int(math.Round(float64(base) * g.opt.Scale)) }

// regions imports the divisions and loads the rural villages by county.
func (g *generator) regions() error {
	if _, err := g.db.ImportRegions(g.ctx, g.opt.DivisionsDir, g.opt.Prefix, nil); err != nil {
		return err
	}
	var codes []string
	err := models.InRegion(g.db.WithContext(g.ctx).Model(&models.Region{}), "code", g.opt.Prefix).
		Where("rural = ?", true).Order("code").Pluck("code", &codes).Error
	if err != nil {
		return err
	}
	if len(codes) == 0 {
		return fmt.Errorf("no rural village under %q", g.opt.Prefix)
	}
	g.counties = map[string][]string{}
	for _, c := range codes {
		if _, ok := g.counties[c[:6]]; !ok {
			g.order = append(g.order, c[:6])
		}
		g.counties[c[:6]] = append(g.counties[c[:6]], c)
	}
	g.counts.Villages = len(codes)
	return nil
}

// insert writes rows in one transaction, in statements of about a
// thousand parameters on SQLite (its driver binds them in quadratic time)
// and ten thousand on MySQL.
func insert[T any](g *generator, rows []T) error {
	if len(rows) == 0 {
		return nil
	}
	size := 400
	if g.db.Dialect == "sqlite" {
		size = 40
	}
	return g.db.WithContext(g.ctx).Session(&gorm.Session{CreateBatchSize: size}).Create(&rows).Error
}

// batch collects rows and writes them a few thousand at a time; n counts
// every row added.
type batch[T any] struct {
	g    *generator
	rows []T
	n    int
}

func (b *batch[T]) add(r T) error {
	b.n++
	b.rows = append(b.rows, r)
	if len(b.rows) >= 4000 {
		return b.flush()
	}
	return nil
}

func (b *batch[T]) flush() error {
	err := insert(b.g, b.rows)
	b.rows = b.rows[:0]
	return err
}

// day returns a random time on a random day of the year, in working hours
// in Asia/Shanghai (and now and then late in the evening).
func (g *generator) day() time.Time {
	d := time.Date(g.opt.Year, 1, 1, 0, 0, 0, 0, cst).AddDate(0, 0, g.rng.IntN(365))
	return g.onDay(d)
}

func (g *generator) onDay(d time.Time) time.Time {
	h := 8 + g.rng.IntN(10)
	if g.rng.IntN(50) == 0 {
		h = 23
	}
	return d.Add(time.Duration(h)*time.Hour + time.Duration(g.rng.IntN(60))*time.Minute).UTC()
}

var cst = time.FixedZone("Asia/Shanghai", 8*3600)

func (g *generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }
