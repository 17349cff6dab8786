package models_test

import (
	"testing"
	"time"

	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// TestMigrationStoresSeasonsAsKeys: harvests stored before seasons were
// stored as keys, "2024 春" and "２０２４春" of one plot, counted as two
// harvests of one season. After 0038 the first created is the plot's one
// harvest of "2024春", updated with an audit entry and a change-log row,
// the other is deleted as a duplicate, and the income statistics count
// the plot's increase once. A season already a key, and one of another
// plot, are left as they were.
func TestMigrationStoresSeasonsAsKeys(t *testing.T) {
	for _, backend := range backends() {
		t.Run(backend, func(t *testing.T) {
			db := migratedTo(t, backend, "0037_visit_activity")
			t0 := time.Date(2024, 5, 10, 1, 0, 0, 0, time.UTC)
			n := 0
			meta := func() models.Meta {
				n++
				at := t0.Add(time.Duration(n) * time.Second)
				return models.Meta{ID: models.NewID(), CommissionerID: "c1", Version: 1, CreatedAt: at, UpdatedAt: at}
			}
			create := func(rec models.Record, typ string) {
				err := db.Transaction(func(tx *gorm.DB) error {
					if err := tx.Create(rec).Error; err != nil {
						return err
					}
					return models.RecordChange(tx, models.Change{Type: typ, ID: rec.RecordMeta().ID, Action: models.ActionCreate,
						CommissionerID: "c1", RegionCode: "330824106200", After: rec})
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			harvest := func(plot, season string, fenPerMu int64) *models.Harvest {
				h := &models.Harvest{Meta: meta(), PlotID: plot, Season: season, HarvestedOn: "2024-05-10",
					YieldKgPerMu: 60, BaselineYieldKgPerMu: 40, PriceFenPerKg: 500, IncomeIncreaseFenPerMu: fenPerMu}
				create(h, "harvest")
				return h
			}
			for _, id := range []string{"p1", "p2"} {
				plot := &models.Plot{Meta: meta(), VillageCode: "330824106200", Name: "基地" + id, AreaMu: 10, EstablishedOn: "2024-03-01"}
				plot.ID = id
				create(plot, "plot")
			}
			// All harvested in 2024. p1: 10 mu × 10,000 + 10 × 20,000 +
			// 10 × 1,000 (its 2023 season) fen; p2: 10 mu × 5,000 fen.
			first := harvest("p1", "2024 春", 10000)
			second := harvest("p1", "２０２４春", 20000)
			other := harvest("p1", "2023春", 1000)
			p2 := harvest("p2", "2024 春", 5000)
			checkStatIncomes(t, db, 360000, 0)

			if err := db.Migrate(); err != nil {
				t.Fatal(err)
			}
			// p1's 2024 spring once, at the first harvest's 10,000 fen
			// per mu, its 2023 season, and p2's: 100,000 + 10,000 +
			// 50,000 fen.
			checkStatIncomes(t, db, 160000, 0)
			var live []models.Harvest
			db.Where("deleted_at IS NULL").Order("plot_id, created_at").Find(&live)
			want := []struct {
				id, season string
				version    int
			}{{first.ID, "2024春", 2}, {other.ID, "2023春", 1}, {p2.ID, "2024春", 2}}
			if len(live) != len(want) {
				t.Fatalf("%d live harvests after the migration, want %d: %+v", len(live), len(want), live)
			}
			for i, w := range want {
				if live[i].ID != w.id || live[i].Season != w.season || live[i].Version != w.version {
					t.Errorf("harvest %d: %s %q v%d, want %s %q v%d", i, live[i].ID, live[i].Season, live[i].Version, w.id, w.season, w.version)
				}
			}
			// The change log adds an upsert of each kept harvest, which
			// phones pull with the new season, to its create's, and the
			// duplicate's delete.
			for id, op := range map[string]string{first.ID: "update", second.ID: "delete", p2.ID: "update"} {
				var audits, changes int64
				db.Table("audit_entries").Where("record_id = ? AND action = ? AND request_id = '0038_season_keys'", id, op).Count(&audits)
				logged, want := "upsert", int64(2)
				if op == "delete" {
					logged, want = "delete", 1
				}
				db.Table("changes").Where("record_id = ? AND op = ?", id, logged).Count(&changes)
				if audits != 1 || changes != want {
					t.Errorf("harvest %s: %d audit entries and %d %s rows in the change log, want 1 and %d", id, audits, changes, logged, want)
				}
			}
			var untouched int64
			db.Table("audit_entries").Where("record_id = ? AND action <> 'create'", other.ID).Count(&untouched)
			if untouched != 0 {
				t.Errorf("a season that was already a key got %d audit entries besides its create", untouched)
			}
		})
	}
}
