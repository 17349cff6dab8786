package models_test

import (
	"slices"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// TestVisitPages reads thousands of visits, seven starting at each
// instant, in pages whose bounds fall inside runs of equal starts, and
// expects each live one in the county once, newest first, in full pages
// but the last.
func TestVisitPages(t *testing.T) {
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
		q := models.InRegion(db.Model(&models.Visit{}), "village_code", "330824")
		var sizes []int
		err := db.VisitPages(q, 500, func(page []*models.Visit) error {
			sizes = append(sizes, len(page))
			for _, v := range page {
				if seen[v.ID] {
					t.Fatalf("visit %s twice", v.ID)
				}
				seen[v.ID] = true
				if prev != nil && (v.StartedAt.After(prev.StartedAt) || v.StartedAt.Equal(prev.StartedAt) && v.ID > prev.ID) {
					t.Fatalf("out of order: %v %s after %v %s", v.StartedAt, v.ID, prev.StartedAt, prev.ID)
				}
				prev = v
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// 4500 - 450 in the other county - 1 deleted = 4049: eight pages
		// of 500 and one of 49.
		if want := 4049; len(seen) != want {
			t.Errorf("read %d visits, want %d", len(seen), want)
		}
		if want := []int{500, 500, 500, 500, 500, 500, 500, 500, 49}; !slices.Equal(sizes, want) {
			t.Errorf("pages of %v, want %v", sizes, want)
		}
	})
}
