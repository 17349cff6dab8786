package models_test

import (
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// A village's reference point is the median of its latest 200 located
// visits by assigned commissioners, and finding them reads about that many
// visits however long the village's history is: the assigned
// commissioner's 800 older visits at one point and its 200 latest at
// another give the latest point; 100 newer visits by a commissioner not
// assigned there count for nothing. A village no live assignment names has
// no median, and none of its visits is read.
func TestRefPointsReadTheLatestVisitsOnly(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		db := env.DB()
		const village, unassigned = "330824115202", "330824115203"
		day0 := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
		now := models.Now()
		a := models.Assignment{ID: models.NewID(), CommissionerID: "c-assigned", VillageCode: village,
			StartDate: "2025-01-01", Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := db.Create(&a).Error; err != nil {
			t.Fatal(err)
		}
		var visits []models.Visit
		add := func(who, code string, n int, lat, lng float64) {
			for range n {
				at := day0.Add(time.Duration(len(visits)) * time.Hour)
				visits = append(visits, models.Visit{
					Meta:        models.Meta{ID: models.NewID(), CommissionerID: who, Version: 1, CreatedAt: now, UpdatedAt: now},
					VillageCode: code, StartedAt: at, EndedAt: at.Add(time.Hour), VisitDate: at.Format(time.DateOnly),
					Lat: &lat, Lng: &lng, ReceivedAt: now,
				})
			}
		}
		add("c-assigned", village, 800, 30.0, 119.0)    // older
		add("c-assigned", village, 200, 29.0, 118.0)    // the latest 200 that count
		add("c-other", village, 100, 31.0, 120.0)       // newest, not assigned
		add("c-assigned", unassigned, 300, 29.0, 118.0) // no assignment names the village
		if err := db.CreateInBatches(&visits, 100).Error; err != nil {
			t.Fatal(err)
		}
		if env.Backend == "mysql" {
			if err := db.Exec("ANALYZE TABLE visits, assignments").Error; err != nil {
				t.Fatal(err)
			}
		}

		refsOf := func(codes ...string) (refs map[string]models.RefPoint, rowsRead int64) {
			err := db.Transaction(func(tx *gorm.DB) error {
				before := handlerReads(t, tx, env.Backend)
				var err error
				refs, err = models.RefPoints(tx, codes, nil)
				rowsRead = handlerReads(t, tx, env.Backend) - before
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return refs, rowsRead
		}

		refs, read := refsOf(village)
		want := models.RefPoint{Lat: 29.0, Lng: 118.0, Source: models.RefSourceVisits, Visits: 200}
		if got := refs[village]; got != want {
			t.Errorf("reference point of %s = %+v, want %+v", village, got, want)
		}
		// The 100 newer visits that do not count and the 200 that do, with
		// at most one lookup of the assignment each; a plan that reads all
		// 1,100 visits into a temporary table and sorts them reads over
		// 2,000.
		if env.Backend == "mysql" && read > 700 {
			t.Errorf("finding the median of %s read %d rows, want at most 700 (300 visits and a lookup of the assignment for each)", village, read)
		}

		refs, read = refsOf(unassigned)
		if got, ok := refs[unassigned]; ok {
			t.Errorf("a village no one is assigned to has reference point %+v", got)
		}
		if env.Backend == "mysql" && read > 10 {
			t.Errorf("a village no one is assigned to read %d rows, want none of its 300 visits", read)
		}
	})
}

// handlerReads is the rows the connection of tx has read so far on MySQL
// (Handler_read_next, _prev and _rnd_next), 0 elsewhere.
func handlerReads(t *testing.T, tx *gorm.DB, backend string) int64 {
	t.Helper()
	if backend != "mysql" {
		return 0
	}
	rows, err := tx.Raw("SHOW SESSION STATUS WHERE Variable_name IN ('Handler_read_next', 'Handler_read_prev', 'Handler_read_rnd_next')").Rows()
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var sum int64
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			t.Fatalf("scan %s: %v", name, err)
		}
		sum += n
	}
	return sum
}

// BenchmarkRefPointsOfABusyVillage finds the reference point of a village
// with 5,000 located visits by its assigned commissioner, as every write
// of a visit there does (MySQL only: SQLite's plan is its own).
func BenchmarkRefPointsOfABusyVillage(b *testing.B) {
	if !testenv.MySQLAvailable() {
		b.Skip("needs TEPAI_TEST_MYSQL_DSN")
	}
	env := testenv.New(b, "mysql")
	db := env.DB()
	const village = "330824115202"
	now := models.Now()
	a := models.Assignment{ID: models.NewID(), CommissionerID: "c-assigned", VillageCode: village,
		StartDate: "2020-01-01", Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := db.Create(&a).Error; err != nil {
		b.Fatal(err)
	}
	visits := make([]models.Visit, 5000)
	day0 := time.Date(2021, 1, 1, 8, 0, 0, 0, time.UTC)
	for i := range visits {
		at := day0.Add(time.Duration(i) * 7 * time.Hour)
		lat, lng := 29.0+float64(i%7)/1000, 118.0+float64(i%5)/1000
		visits[i] = models.Visit{
			Meta:        models.Meta{ID: models.NewID(), CommissionerID: "c-assigned", Version: 1, CreatedAt: now, UpdatedAt: now},
			VillageCode: village, StartedAt: at, EndedAt: at.Add(time.Hour), VisitDate: at.Format(time.DateOnly),
			Lat: &lat, Lng: &lng, ReceivedAt: now,
		}
	}
	if err := db.CreateInBatches(&visits, 500).Error; err != nil {
		b.Fatal(err)
	}
	if err := db.Exec("ANALYZE TABLE visits, assignments").Error; err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		refs, err := models.RefPoints(db.DB, []string{village}, []string{models.NewID()})
		if err != nil {
			b.Fatal(err)
		}
		if refs[village].Visits != 200 {
			b.Fatalf("reference point from %d visits, want 200", refs[village].Visits)
		}
	}
}
