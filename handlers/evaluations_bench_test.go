package handlers_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// BenchmarkEvaluation times a run and a read of the ranked list of a
// county with 400 commissioners, 80 visits, 4 trainings, 1 plot and 2
// assigned villages each (32,000 visits), on every backend.
func BenchmarkEvaluation(b *testing.B) {
	for _, backend := range []string{"sqlite", "mysql"} {
		if backend == "mysql" && !testenv.MySQLAvailable() {
			continue
		}
		b.Run(backend, func(b *testing.B) {
			env := testenv.New(b, backend)
			benchFixture(b, env, 400, 80)
			bureau := env.NewUser(models.RoleBureau, "330824").Token
			b.Run("run", func(b *testing.B) {
				for range b.N {
					if r := env.Do("POST", "/api/v1/evaluations/2024/runs?region=330824", bureau, nil); r.Status != http.StatusCreated {
						b.Fatalf("run: %d %s", r.Status, r.Body)
					}
				}
			})
			b.Run("list", func(b *testing.B) {
				for range b.N {
					if r := env.Do("GET", "/api/v1/evaluations/2024?region=330824&limit=50", bureau, nil); r.Status != http.StatusOK {
						b.Fatalf("list: %d %s", r.Status, r.Body)
					}
				}
			})
		})
	}
}

// benchFixture inserts n commissioners with perVisits visits each, in
// batches.
func benchFixture(b *testing.B, env *testenv.Env, n, perVisits int) {
	db := env.DB().DB
	start := time.Date(2024, 1, 1, 9, 0, 0, 0, evalZone)
	var cs []models.Commissioner
	var visits []models.Visit
	var trainings []models.Training
	var rest []any
	for i := range n {
		c := models.Commissioner{ID: models.NewID(), UserID: models.NewID(), Name: fmt.Sprintf("特派员%03d", i),
			Phone: fmt.Sprintf("137%08d", i), Level: models.CommissionerCounty, RegionCode: "330824", Version: 1}
		cs = append(cs, c)
		meta := func() models.Meta { return models.Meta{ID: models.NewID(), CommissionerID: c.ID, Version: 1} }
		villages := []string{fmt.Sprintf("330824115%03d", 200+i%20), fmt.Sprintf("330824116%03d", 200+i%20)}
		for j := range perVisits {
			at := start.AddDate(0, 0, (i+j*4)%365)
			visits = append(visits, models.Visit{Meta: meta(), VillageCode: villages[j%2], StartedAt: at.UTC(), EndedAt: at.Add(time.Hour).UTC(),
				VisitDate: at.Format("2006-01-02"), Technologies: []string{fmt.Sprintf("T%d", j%7)}, ReceivedAt: at.UTC()})
		}
		for j := range 4 {
			at := start.AddDate(0, j*3, i%28)
			trainings = append(trainings, models.Training{Meta: meta(), RegionCode: "330824115", Title: "培训", HeldAt: at.UTC(),
				HeldDate: at.Format("2006-01-02"), Attendees: 30 + i%40, Technologies: []string{"T9"}})
		}
		rest = append(rest, &models.Plot{Meta: meta(), VillageCode: villages[0], Name: "示范田", AreaMu: float64(i % 50), EstablishedOn: "2024-03-01", Variety: "V1"})
		for _, v := range villages {
			rest = append(rest, &models.Assignment{ID: models.NewID(), CommissionerID: c.ID, VillageCode: v, StartDate: "2024-01-01", Version: 1})
		}
	}
	for _, batch := range []any{&cs, &visits, &trainings} {
		if err := db.CreateInBatches(batch, 300).Error; err != nil {
			b.Fatal(err)
		}
	}
	for _, r := range rest {
		if err := db.Create(r).Error; err != nil {
			b.Fatal(err)
		}
	}
}
