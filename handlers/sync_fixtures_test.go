package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// Kaihua villages and townships used by the sync tests.
const (
	tongcunTown = "330824106"    // 桐村镇
	huashan     = "330824106200" // 华山村 (桐村镇)
	jianfeng    = "330824106207" // 建丰村 (桐村镇)
	xiazhuang   = "330824107200" // 下庄村 (杨林镇)
	suzhuang    = "330824108200" // 苏庄村 (苏庄镇)
)

// draftVisit returns an unsaved visit of c in village on the given day.
func draftVisit(c *models.Commissioner, village string, day time.Time) *models.Visit {
	now := models.Now()
	return &models.Visit{
		Meta:        models.Meta{ID: models.NewID(), CommissionerID: c.ID, Version: 1, CreatedAt: now, UpdatedAt: now},
		VillageCode: village, StartedAt: day, EndedAt: day.Add(time.Hour), VisitDate: day.Format("2006-01-02"),
		Category: "栽培技术", Crops: []string{"茶叶"}, Flags: []string{}, ReceivedAt: now,
	}
}

// insertVisitTx stores v in tx the way a record endpoint does: the row and
// its change in the same transaction.
func insertVisitTx(tx *gorm.DB, v *models.Visit) error {
	if err := tx.Create(v).Error; err != nil {
		return err
	}
	return models.RecordChange(tx, models.Change{Type: "visit", ID: v.ID, Action: models.ActionCreate,
		CommissionerID: v.CommissionerID, RegionCode: v.VillageCode, After: v})
}

// storeVisit stores a new visit of c in its own transaction.
func storeVisit(t *testing.T, env *testenv.Env, c *models.Commissioner, village string) *models.Visit {
	t.Helper()
	v := draftVisit(c, village, time.Date(2024, 5, 21, 1, 30, 0, 0, time.UTC))
	if err := env.DB().Tx(context.Background(), func(tx *gorm.DB) error { return insertVisitTx(tx, v) }); err != nil {
		t.Fatalf("create visit: %v", err)
	}
	return v
}

// storeVisitNotes changes a stored visit's notes, bumping its version.
func storeVisitNotes(t *testing.T, env *testenv.Env, v *models.Visit, notes string) *models.Visit {
	t.Helper()
	after := *v
	after.Notes, after.Version, after.UpdatedAt = notes, v.Version+1, models.Now()
	err := env.DB().Tx(context.Background(), func(tx *gorm.DB) error {
		if err := tx.Save(&after).Error; err != nil {
			return err
		}
		return models.RecordChange(tx, models.Change{Type: "visit", ID: v.ID, Action: models.ActionUpdate,
			CommissionerID: v.CommissionerID, RegionCode: v.VillageCode, Before: v, After: &after})
	})
	if err != nil {
		t.Fatalf("update visit: %v", err)
	}
	return &after
}

// storeVisitDeletion soft-deletes a stored visit.
func storeVisitDeletion(t *testing.T, env *testenv.Env, v *models.Visit) {
	t.Helper()
	err := env.DB().Tx(context.Background(), func(tx *gorm.DB) error {
		if err := tx.Delete(&models.Visit{}, "id = ?", v.ID).Error; err != nil {
			return err
		}
		return models.RecordChange(tx, models.Change{Type: "visit", ID: v.ID, Action: models.ActionDelete,
			CommissionerID: v.CommissionerID, RegionCode: v.VillageCode, Before: v})
	})
	if err != nil {
		t.Fatalf("delete visit: %v", err)
	}
}

// assign links a commissioner (or a team, when teamID is set) to a village
// the way the assignments endpoint does, with its change.
func storeAssignment(t *testing.T, env *testenv.Env, commissionerID, teamID, village string) *models.Assignment {
	t.Helper()
	now := models.Now()
	a := &models.Assignment{ID: models.NewID(), CommissionerID: commissionerID, TeamID: teamID, VillageCode: village,
		StartDate: "2024-01-01", Version: 1, CreatedAt: now, UpdatedAt: now}
	err := env.DB().Tx(context.Background(), func(tx *gorm.DB) error {
		if err := tx.Create(a).Error; err != nil {
			return err
		}
		return models.RecordChange(tx, models.Change{Type: "assignment", ID: a.ID, Action: models.ActionCreate,
			CommissionerID: commissionerID, RegionCode: village, After: a})
	})
	if err != nil {
		t.Fatalf("assign: %v", err)
	}
	return a
}

// storeTeam makes a team with the given members.
func storeTeam(t *testing.T, env *testenv.Env, members ...*models.Commissioner) string {
	t.Helper()
	now := models.Now()
	team := models.Team{ID: models.NewID(), Name: "茶叶服务团", RegionCode: "330824", Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := env.DB().Create(&team).Error; err != nil {
		t.Fatal(err)
	}
	for i, m := range members {
		if err := env.DB().Create(&models.TeamMember{TeamID: team.ID, CommissionerID: m.ID, Chief: i == 0}).Error; err != nil {
			t.Fatal(err)
		}
	}
	return team.ID
}

// pulled is one change of a pull answer.
type pulled struct {
	Type   string         `json:"type"`
	Op     string         `json:"op"`
	Record map[string]any `json:"record"`
}

// pullPage is a pull answer.
type pullPage struct {
	Changes    []pulled `json:"changes"`
	NextCursor string   `json:"next_cursor"`
	HasMore    bool     `json:"has_more"`
}

// pull asks for one page.
func pull(t *testing.T, env *testenv.Env, token, cursor string, limit int) pullPage {
	t.Helper()
	r := env.Do("GET", fmt.Sprintf("/api/v1/sync/pull?cursor=%s&limit=%d", cursor, limit), token, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("pull: %d %s", r.Status, r.Body)
	}
	var p pullPage
	r.Decode(t, &p)
	if p.NextCursor == "" {
		t.Fatalf("pull without next_cursor: %s", r.Body)
	}
	return p
}

// pullAll pulls pages from cursor until has_more is false (at most 100
// pages) and returns every change and the last cursor.
func pullAll(t *testing.T, env *testenv.Env, token, cursor string, limit int) ([]pulled, string) {
	t.Helper()
	var all []pulled
	for range 100 {
		p := pull(t, env, token, cursor, limit)
		all, cursor = append(all, p.Changes...), p.NextCursor
		if !p.HasMore {
			return all, cursor
		}
	}
	t.Fatal("pull did not end in 100 pages")
	return nil, ""
}

// byKey indexes changes by "type/id"; a later change of the same record
// replaces an earlier one, as on the phone.
func byKey(changes []pulled) map[string]pulled {
	m := map[string]pulled{}
	for _, c := range changes {
		m[c.Type+"/"+recID(c.Record)] = c
	}
	return m
}

// recID is a pulled record's id (a region's is its code).
func recID(rec map[string]any) string {
	if id, ok := rec["id"].(string); ok {
		return id
	}
	s, _ := rec["code"].(string)
	return s
}
