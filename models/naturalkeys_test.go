package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// The migration that adds the unique keys of "one harvest per plot and
// season" and "one income per household and year" first resolves the
// duplicates an earlier release stored: the first created stays, the
// others are deleted with an audit entry and a change-log row, and the
// statistics no longer count them. Afterwards the keys refuse a second
// live record and let a deleted one be.
func TestMigrationResolvesDuplicateKeys(t *testing.T) {
	for _, backend := range backends() {
		t.Run(backend, func(t *testing.T) {
			db := migratedTo(t, backend, "0035_stat_slots")
			harvests, incomes := storeDuplicates(t, db)
			// Before: three harvests of 10,000 fen per mu on 10 mu, and
			// incomes of 1,500,000 and 1,700,000 over a baseline of 1,000,000.
			checkStatIncomes(t, db, 300000, 2200000)
			if err := db.Migrate(); err != nil {
				t.Fatal(err)
			}
			checkStatIncomes(t, db, 100000, 500000)
			checkKept(t, db, "harvests", harvests)
			checkKept(t, db, "incomes", incomes)

			dup := models.Harvest{Meta: models.Meta{ID: models.NewID(), CommissionerID: "c1", Version: 1,
				CreatedAt: models.Now(), UpdatedAt: models.Now()}, PlotID: "p1", Season: "2024春", HarvestedOn: "2024-05-10"}
			if err := db.Create(&dup).Error; !models.IsDuplicate(err) {
				t.Fatalf("a second live harvest of the season: %v, want a duplicate key", err)
			}
			dup.DeletedAt = gorm.DeletedAt{Time: models.Now(), Valid: true}
			if err := db.Create(&dup).Error; err != nil {
				t.Fatalf("a deleted harvest of the season: %v", err)
			}
		})
	}
}

// migratedTo opens a fresh database of backend with the migrations up to
// and including id applied. The records a test stores in it go through
// this release's rollups, which also keep stat_commissioners: the table is
// made as its migration (0039, IF NOT EXISTS) makes it.
func migratedTo(t *testing.T, backend, id string) *models.DB {
	t.Helper()
	cfg := testenv.Config(t, backend)
	db, err := models.Open(cfg.MySQLDSN, cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.MigrateTo(id); err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("CREATE TABLE IF NOT EXISTS stat_commissioners (region_code VARCHAR(12) NOT NULL, commissioner_id VARCHAR(36) NOT NULL, " +
		"last_visit CHAR(10) NOT NULL DEFAULT '', last_training CHAR(10) NOT NULL DEFAULT '', " +
		"PRIMARY KEY (region_code, commissioner_id))").Error; err != nil {
		t.Fatal(err)
	}
	return db
}

// backends are the database backends available to the test.
func backends() []string {
	if testenv.MySQLAvailable() {
		return []string{"sqlite", "mysql"}
	}
	return []string{"sqlite"}
}

// storeDuplicates stores, as the API of an earlier release did under
// concurrency, three harvests of one plot and season and two incomes of
// one household and year, and returns their ids in creation order.
func storeDuplicates(t *testing.T, db *models.DB) (harvests, incomes []string) {
	t.Helper()
	t0 := time.Date(2024, 5, 10, 1, 0, 0, 0, time.UTC)
	meta := func(i int) models.Meta {
		at := t0.Add(time.Duration(i) * time.Second)
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
	plot := &models.Plot{Meta: meta(0), VillageCode: "330824106200", Name: "基地", AreaMu: 10, EstablishedOn: "2024-03-01"}
	plot.ID = "p1"
	create(plot, "plot")
	for i := range 3 {
		h := &models.Harvest{Meta: meta(3 - i), PlotID: "p1", Season: "2024春", HarvestedOn: "2024-05-10",
			YieldKgPerMu: 60, BaselineYieldKgPerMu: 40, PriceFenPerKg: 500, IncomeIncreaseFenPerMu: 10000}
		create(h, "harvest")
		harvests = append([]string{h.ID}, harvests...) // created later, stored first
	}
	hh := &models.Household{Meta: meta(0), VillageCode: "330824106200", HeadName: "李四", Members: 3,
		BaselineYear: 2023, BaselineIncomeFen: 1000000}
	hh.ID = "h1"
	create(hh, "household")
	for i, fen := range []int64{1500000, 1700000} {
		in := &models.Income{Meta: meta(10 + i), HouseholdID: "h1", Year: 2024, IncomeFen: fen}
		create(in, "income")
		incomes = append(incomes, in.ID)
	}
	return harvests, incomes
}

// checkStatIncomes checks the county's 2024 income statistics.
func checkStatIncomes(t *testing.T, db *models.DB, plotFen, increaseFen int64) {
	t.Helper()
	got, err := db.Income(context.Background(), "330824", 2024)
	if err != nil {
		t.Fatal(err)
	}
	if got.PlotIncomeIncreaseFen != plotFen || got.IncomeIncreaseFen != increaseFen {
		t.Fatalf("income statistics: %+v, want plot %d, households %d", got, plotFen, increaseFen)
	}
}

// checkKept checks that of ids (in creation order) only the first is
// live, and that each other one was deleted with an audit entry and a
// change-log row.
func checkKept(t *testing.T, db *models.DB, table string, ids []string) {
	t.Helper()
	var live []string
	db.Table(table).Where("deleted_at IS NULL").Order("id").Pluck("id", &live)
	if len(live) != 1 || live[0] != ids[0] {
		t.Fatalf("%s live after the migration: %v, want the first created %s", table, live, ids[0])
	}
	for _, id := range ids[1:] {
		var audits, changes int64
		db.Table("audit_entries").Where("record_id = ? AND action = 'delete' AND request_id = '0036_natural_keys'", id).Count(&audits)
		db.Table("changes").Where("record_id = ? AND op = 'delete'", id).Count(&changes)
		if audits != 1 || changes != 1 {
			t.Fatalf("%s %s: %d audit entries and %d change-log rows of its deletion, want 1 and 1", table, id, audits, changes)
		}
	}
}
