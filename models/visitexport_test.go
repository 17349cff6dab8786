package models_test

import (
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// TestEachVisit streams thousands of visits, many starting at the same
// instant, and expects each live one in the county once, in the order
// asked for.
func TestEachVisit(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		c := env.NewUser(models.RoleCommissioner, "330824115").Commissioner
		start := time.Date(2024, 5, 1, 2, 0, 0, 0, time.UTC)
		var visits []models.Visit
		for i := range 4500 {
			s := start.Add(time.Duration(i/7) * time.Minute) // seven visits per instant
			village := "330824115200"
			if i%10 == 0 {
				village = "330825100200" // another county: not selected
			}
			visits = append(visits, models.Visit{Meta: models.Meta{ID: models.NewID(), CommissionerID: c.ID, Version: 1},
				VillageCode: village, StartedAt: s, EndedAt: s, VisitDate: "2024-05-01", ReceivedAt: s})
		}
		db := env.DB()
		if err := db.Session(&gorm.Session{CreateBatchSize: 40}).Create(&visits).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Delete(&visits[1]).Error; err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		var prev *models.Visit
		q := models.InRegion(db.Model(&models.Visit{}), "village_code", "330824").Order("started_at, id")
		err := db.EachVisit(q, func(v *models.Visit) error {
			if seen[v.ID] {
				t.Fatalf("visit %s twice", v.ID)
			}
			seen[v.ID] = true
			if prev != nil && (v.StartedAt.Before(prev.StartedAt) || v.StartedAt.Equal(prev.StartedAt) && v.ID < prev.ID) {
				t.Fatalf("out of order: %v %s after %v %s", v.StartedAt, v.ID, prev.StartedAt, prev.ID)
			}
			prev = v
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := 4500 - 450 - 1; len(seen) != want {
			t.Errorf("read %d visits, want %d", len(seen), want)
		}
	})
}
