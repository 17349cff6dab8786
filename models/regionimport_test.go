package models_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// countRegions counts the regions under prefix by level, and the rural ones.
func countRegions(t *testing.T, db *models.DB, prefix string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, level := range []string{"province", "city", "county", "township", "village"} {
		var n int64
		models.InRegion(db.Table("regions"), "code", prefix).Where("level = ?", level).Count(&n)
		out[level] = n
	}
	var rural int64
	models.InRegion(db.Table("regions"), "code", prefix).Where("rural = ?", true).Count(&rural)
	out["rural"] = rural
	return out
}

func TestImportRegions(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		db, ctx := env.DB(), context.Background()
		// Kaihua: 浙江省, 衢州市, 开化县, 14 townships, 269 village units of
		// which 255 are villagers' committees (200–399).
		kaihua := map[string]int64{"province": 1, "city": 1, "county": 1, "township": 14, "village": 269, "rural": 255}
		if got := countRegions(t, db, "33"); !equalCounts(got, kaihua) {
			t.Fatalf("after the first import: %v, want %v", got, kaihua)
		}
		db.Exec("UPDATE regions SET name = ?, rural = ? WHERE code = ?", "改错的名字", false, "330824106200")
		n, err := db.ImportRegions(ctx, testenv.DivisionsDir(), "330824", nil)
		if err != nil || n != 3+14+269 {
			t.Fatalf("rerun: %d rows, %v", n, err)
		}
		if got := countRegions(t, db, "33"); !equalCounts(got, kaihua) {
			t.Fatalf("after the rerun: %v, want %v", got, kaihua)
		}
		r, err := db.GetRegion(ctx, "330824106200")
		if err != nil || r.Name != "华山村委会" || !r.Rural {
			t.Fatalf("rerun did not repair 330824106200: %+v %v", r, err)
		}

		// 田家庵区, Anhui: its ancestors come along, Kaihua stays.
		if _, err := db.ImportRegions(ctx, testenv.DivisionsDir(), "340403", nil); err != nil {
			t.Fatal(err)
		}
		got := countRegions(t, db, "34")
		if got["province"] != 1 || got["city"] != 1 || got["county"] != 1 || got["township"] != 14 || got["village"] != 144 {
			t.Fatalf("Tianjia'an: %v", got)
		}
		if got := countRegions(t, db, "33"); !equalCounts(got, kaihua) {
			t.Fatalf("Kaihua after Tianjia'an: %v", got)
		}
	})
}

func equalCounts(a, b map[string]int64) bool {
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

func TestImportRegionsBadInput(t *testing.T) {
	env := testenv.New(t, "sqlite")
	db, ctx := env.DB(), context.Background()
	if _, err := db.ImportRegions(ctx, testenv.DivisionsDir(), "33a", nil); err == nil {
		t.Error("a prefix that is not digits was accepted")
	}
	if _, err := db.ImportRegions(ctx, t.TempDir(), "", nil); err == nil {
		t.Error("a folder without the CSVs was accepted")
	}

	// Quoted names with commas and quotes go through the full CSV reader.
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("provinces.csv", "code,name\n71,\"台湾省\"\n")
	write("cities.csv", "code,name,provinceCode\n7101,\"市,辖\"\"区\"\"\",71\n")
	write("areas.csv", "code,name,cityCode,provinceCode\n")
	write("streets.csv", "code,name,areaCode,provinceCode,cityCode\n")
	write("villages.csv", "code,name,streetCode,provinceCode,cityCode,areaCode\n")
	if n, err := db.ImportRegions(ctx, dir, "71", nil); err != nil || n != 2 {
		t.Fatalf("import: %d, %v", n, err)
	}
	if r, err := db.GetRegion(ctx, "7101"); err != nil || r.Name != `市,辖"区"` || r.ParentCode != "71" || r.Level != "city" {
		t.Fatalf("quoted name: %+v %v", r, err)
	}

	write("areas.csv", "code,name,cityCode,provinceCode\n71011,\"五位\",7101,71\n")
	if _, err := db.ImportRegions(ctx, dir, "71", nil); err == nil {
		t.Error("a five-digit code was accepted")
	}
}

// BenchmarkImportRegions imports all of China (665,276 regions) into an
// empty database ("empty"), and again into a full one ("rerun"), on SQLite
// and, when TEPAI_TEST_MYSQL_DSN is set, MySQL. Run it with -benchtime=1x.
func BenchmarkImportRegions(b *testing.B) {
	backends := []string{"sqlite"}
	if testenv.MySQLAvailable() {
		backends = append(backends, "mysql")
	}
	const china = 665276
	for _, backend := range backends {
		b.Run(backend+"/empty", func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				db := emptyDB(b, backend)
				b.StartTimer()
				importChina(b, db)
			}
			b.ReportMetric(china*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
		b.Run(backend+"/rerun", func(b *testing.B) {
			db := emptyDB(b, backend)
			importChina(b, db)
			b.ResetTimer()
			for range b.N {
				importChina(b, db)
			}
			b.ReportMetric(china*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// emptyDB returns a migrated database of its own on backend.
func emptyDB(b *testing.B, backend string) *models.DB {
	cfg := testenv.Config(b, backend)
	db, err := models.Open(cfg.MySQLDSN, cfg.DataDir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Migrate(); err != nil {
		b.Fatal(err)
	}
	return db
}

func importChina(b *testing.B, db *models.DB) {
	if n, err := db.ImportRegions(context.Background(), testenv.DivisionsDir(), "", nil); err != nil || n != 665276 {
		b.Fatalf("import: %d rows, %v", n, err)
	}
}
