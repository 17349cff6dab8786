package gen_test

import (
	"context"
	"testing"

	"github.com/tepai/tepai/internal/gen"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// TestRunSmallCounty generates a small year on Kaihua County and checks
// the counts written and that the statistics read them back.
func TestRunSmallCounty(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		db := env.DB()
		n, err := gen.Run(context.Background(), db, gen.Options{Prefix: "330824", DivisionsDir: testenv.DivisionsDir(),
			Year: 2024, Scale: 0.002, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		// 0.002 of a province: 16 commissioners, 800 visits, 80 trainings,
		// 20 plots, 200 households; Kaihua has 255 rural villages.
		if n.Villages != 255 || n.Commissioners != 16 || n.Visits != 800 || n.Trainings != 80 || n.Plots != 20 || n.Households != 200 {
			t.Fatalf("counts: %+v", n)
		}
		s, err := db.Services(context.Background(), "330824", models.YearPeriod(2024), models.GroupByRegion)
		if err != nil {
			t.Fatal(err)
		}
		if s.Totals.Visits != 800 || s.Totals.Trainings != 80 || s.Totals.VisitDays == 0 || s.Totals.Technologies == 0 {
			t.Errorf("services: %+v", s.Totals)
		}
		cov, err := db.Coverage(context.Background(), "330824", models.YearPeriod(2024))
		if err != nil {
			t.Fatal(err)
		}
		// About 85% of the villages are assigned, a tenth until June.
		if cov.Totals.RuralVillages != 255 || cov.Totals.AssignedVillages < 200 || cov.Totals.VisitedVillages == 0 {
			t.Errorf("coverage: %+v", cov.Totals)
		}
	})
}
