package models_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

var cst = time.FixedZone("CST", 8*3600)

// Villages of three Kaihua townships, one of them urban (华埠镇 001).
var worldVillages = []string{
	"330824115001", "330824115200", "330824115201", "330824115202",
	"330824116200", "330824116201", "330824208202", "330824208203", "330824208204",
}

var worldItems = []string{"茶树绿色防控", "测土配方施肥", "稻鱼共生", " 稻鱼共生", "龙井43", "中茶108", ""}

// world makes random writes of every record type the rollups follow, and
// keeps the live records so that it can change and delete them.
type world struct {
	rng           *rand.Rand
	commissioners []*models.Commissioner
	visits        []*models.Visit
	trainings     []*models.Training
	plots         []*models.Plot
	households    []*models.Household
	incomes       []*models.Income
	harvests      []*models.Harvest
	write         func(action string, before, after any) error
}

func (w *world) pick(list []string) string { return list[w.rng.IntN(len(list))] }

func (w *world) items() []string {
	var out []string
	for range w.rng.IntN(3) {
		out = append(out, w.pick(worldItems))
	}
	return out
}

// when is a time around the turns of 2024: the last and first days of
// months and years, often close to midnight in Asia/Shanghai.
func (w *world) when() time.Time {
	days := []string{"2023-12-31", "2024-01-01", "2024-06-30", "2024-07-01", "2024-12-31", "2025-01-01"}
	d, _ := time.ParseInLocation(time.DateOnly, w.pick(days), cst)
	hours := []int{0, 7, 12, 23}
	return d.Add(time.Duration(w.pick2(hours))*time.Hour + time.Duration(w.rng.IntN(60))*time.Minute).UTC()
}

func (w *world) pick2(list []int) int { return list[w.rng.IntN(len(list))] }

func (w *world) meta() models.Meta {
	c := w.commissioners[w.rng.IntN(len(w.commissioners))]
	return models.Meta{ID: models.NewID(), CommissionerID: c.ID, Version: 1}
}

func (w *world) newVisit() *models.Visit {
	s := w.when()
	return &models.Visit{Meta: w.meta(), VillageCode: w.pick(worldVillages), StartedAt: s, EndedAt: s.Add(time.Hour),
		VisitDate: s.In(cst).Format(time.DateOnly), FarmersServed: w.rng.IntN(5), Leaflets: w.rng.IntN(3),
		Technologies: w.items(), Varieties: w.items(), ReceivedAt: models.Now()}
}

func (w *world) newTraining() *models.Training {
	region := w.pick(worldVillages)
	if w.rng.IntN(3) == 0 {
		region = region[:9]
	}
	h := w.when()
	return &models.Training{Meta: w.meta(), RegionCode: region, Title: "培训", HeldAt: h, HeldDate: h.In(cst).Format(time.DateOnly),
		Attendees: w.rng.IntN(50), Technologies: w.items()}
}

func (w *world) newPlot() *models.Plot {
	on := w.when().In(cst).Format(time.DateOnly)
	if w.rng.IntN(4) == 0 {
		on = "" // counts on the day it was recorded
	}
	return &models.Plot{Meta: w.meta(), VillageCode: w.pick(worldVillages), Name: "示范田", Variety: w.pick(worldItems),
		Technology: w.pick(worldItems), AreaMu: float64(w.rng.IntN(2000)) / 100, EstablishedOn: on}
}

func (w *world) newHousehold() *models.Household {
	return &models.Household{Meta: w.meta(), VillageCode: w.pick(worldVillages), HeadName: "农户",
		BaselineYear: 2023 + w.rng.IntN(2), BaselineIncomeFen: int64(w.rng.IntN(5)) * 100000}
}

// step makes one random write: mostly creates, then changes and deletes.
func (w *world) step() error {
	switch n := w.rng.IntN(16); {
	case n < 4:
		return w.visitStep()
	case n < 6:
		return churn(w, &w.trainings, w.newTraining, func(t *models.Training) { t.RegionCode, t.Attendees = w.newTraining().RegionCode, w.rng.IntN(50) })
	case n < 8:
		return churn(w, &w.plots, w.newPlot, func(p *models.Plot) { p.VillageCode, p.AreaMu = w.pick(worldVillages), float64(w.rng.IntN(999))/10 })
	case n < 10:
		return churn(w, &w.households, w.newHousehold, func(h *models.Household) {
			h.VillageCode, h.BaselineYear, h.BaselineIncomeFen = w.pick(worldVillages), 2022+w.rng.IntN(3), int64(w.rng.IntN(5))*100000
		})
	case n < 13 && len(w.households) > 0:
		return churn(w, &w.incomes, func() *models.Income {
			return &models.Income{Meta: w.meta(), HouseholdID: w.households[w.rng.IntN(len(w.households))].ID,
				Year: 2024 + w.rng.IntN(2), IncomeFen: int64(w.rng.IntN(8)) * 100000}
		}, func(i *models.Income) { i.IncomeFen, i.Year = int64(w.rng.IntN(8))*100000, 2024+w.rng.IntN(2) })
	case len(w.plots) > 0:
		return churn(w, &w.harvests, func() *models.Harvest {
			return &models.Harvest{Meta: w.meta(), PlotID: w.plots[w.rng.IntN(len(w.plots))].ID, Season: w.pick([]string{"春", "夏", "秋", "冬"}),
				HarvestedOn: w.when().In(cst).Format(time.DateOnly), IncomeIncreaseFenPerMu: int64(w.rng.IntN(9999)) - 1000}
		}, func(h *models.Harvest) { h.IncomeIncreaseFenPerMu = int64(w.rng.IntN(9999)) })
	}
	return w.visitStep()
}

func (w *world) visitStep() error {
	return churn(w, &w.visits, w.newVisit, func(v *models.Visit) {
		n := w.newVisit()
		switch w.rng.IntN(3) {
		case 0:
			v.VillageCode = n.VillageCode
		case 1:
			v.StartedAt, v.EndedAt, v.VisitDate = n.StartedAt, n.EndedAt, n.VisitDate
		}
		v.FarmersServed, v.Technologies = n.FarmersServed, n.Technologies
	})
}

// churn creates a record (half the time), or changes or deletes a live one.
func churn[T any](w *world, live *[]*T, make func() *T, change func(*T)) error {
	if len(*live) == 0 || w.rng.IntN(2) == 0 {
		r := make()
		err := w.write(models.ActionCreate, nil, r)
		if err == nil {
			*live = append(*live, r)
		}
		return refused(err)
	}
	i := w.rng.IntN(len(*live))
	r := (*live)[i]
	if w.rng.IntN(3) == 0 {
		*live = append((*live)[:i], (*live)[i+1:]...)
		return w.write(models.ActionDelete, r, nil)
	}
	before := *r
	change(r)
	err := w.write(models.ActionUpdate, &before, r)
	if models.IsDuplicate(err) {
		*r = before
	}
	return refused(err)
}

// refused drops a write that a unique key refused (a second harvest of a
// season, a second income of a year): it changed nothing, as the API
// refuses it.
func refused(err error) error {
	if models.IsDuplicate(err) {
		return nil
	}
	return err
}

func newWorld(env *testenv.Env, seed uint64) *world {
	w := &world{rng: rand.New(rand.NewPCG(seed, 7))}
	for _, home := range []string{"330824115", "330824116", "330824208"} {
		w.commissioners = append(w.commissioners, env.NewUser(models.RoleCommissioner, home).Commissioner)
	}
	w.write = func(action string, before, after any) error {
		return testenv.WriteRecord(context.Background(), env.DB(), action, before, after)
	}
	return w
}

// TestRollupsMatchRawTables makes a random bounded sequence of creates,
// changes and deletes, then checks that the aggregates are those a rebuild
// from the record tables gives, and that every figure equals a plain GROUP
// BY over the record tables.
func TestRollupsMatchRawTables(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		w := newWorld(env, 2024)
		for i := range 400 {
			if err := w.step(); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
		}
		checkRebuild(t, env.DB())
		checkAgainstRaw(t, env.DB())
	})
}

// TestRollupsConcurrent writes from several goroutines at once, on the
// same villages and days, and checks that the aggregates stay exact.
func TestRollupsConcurrent(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		const writers, steps = 4, 60
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for g := range writers {
			w := newWorld(env, uint64(g))
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range steps {
					if err := w.step(); err != nil {
						errs <- fmt.Errorf("writer %d step %d: %w", g, i, err)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		t.Logf("%s: %d transactions run again after a deadlock", env.Backend, env.DB().TxRetries())
		checkRebuild(t, env.DB())
		checkAgainstRaw(t, env.DB())
	})
}
