package models_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/tepai/tepai/internal/gen"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// The benchmarks run on a generated Zhejiang (33) year 2024, generated once
// per run and backend. TEPAI_BENCH_SCALE sets its size (default 0.1 of a
// province: 40,000 visits); TEPAI_BENCH_SQLITE_DIR and
// TEPAI_BENCH_MYSQL_DSN use a database "tepai gen" already filled instead.
// MySQL runs when TEPAI_TEST_MYSQL_DSN or TEPAI_BENCH_MYSQL_DSN is set.

var (
	benchMu  sync.Mutex
	benchDBs = map[string]*models.DB{}
	cleanups []func()
)

func TestMain(m *testing.M) {
	code := m.Run()
	for _, c := range cleanups {
		c()
	}
	os.Exit(code)
}

func benchBackends() []string {
	out := []string{"sqlite"}
	if os.Getenv("TEPAI_TEST_MYSQL_DSN") != "" || os.Getenv("TEPAI_BENCH_MYSQL_DSN") != "" {
		out = append(out, "mysql")
	}
	return out
}

// benchDatabase opens (and the first time generates) the backend's
// benchmark database.
func benchDatabase(b *testing.B, backend string) *models.DB {
	benchMu.Lock()
	defer benchMu.Unlock()
	if db := benchDBs[backend]; db != nil {
		return db
	}
	dsn, dir, fresh := "", os.Getenv("TEPAI_BENCH_SQLITE_DIR"), true
	if backend == "mysql" {
		dsn, fresh = os.Getenv("TEPAI_BENCH_MYSQL_DSN"), false
		if dsn == "" {
			dsn, fresh = freshMySQL(b), true
		}
	} else if dir == "" {
		d, err := os.MkdirTemp("", "tepai-bench-")
		if err != nil {
			b.Fatal(err)
		}
		dir = d
		cleanups = append(cleanups, func() { os.RemoveAll(d) })
	} else {
		fresh = false
	}
	db, err := models.Open(dsn, dir)
	if err != nil {
		b.Fatal(err)
	}
	if err := db.Migrate(); err != nil {
		b.Fatal(err)
	}
	if fresh {
		scale := 0.1
		if s, err := strconv.ParseFloat(os.Getenv("TEPAI_BENCH_SCALE"), 64); err == nil {
			scale = s
		}
		n, err := gen.Run(context.Background(), db, gen.Options{Prefix: "33", DivisionsDir: testenv.DivisionsDir(), Year: 2024,
			Scale: scale, Seed: 1, Progress: func(f string, a ...any) { b.Logf(backend+": "+f, a...) }})
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(os.Stderr, "%s: generated scale %g: %+v\n", backend, scale, n)
	}
	benchDBs[backend] = db
	return db
}

// freshMySQL creates a database on the TEPAI_TEST_MYSQL_DSN server, dropped
// when the run ends.
func freshMySQL(b *testing.B) string {
	mc, err := mysql.ParseDSN(os.Getenv("TEPAI_TEST_MYSQL_DSN"))
	if err != nil {
		b.Fatal(err)
	}
	admin, err := models.Open(mc.FormatDSN(), "")
	if err != nil {
		b.Fatal(err)
	}
	name := fmt.Sprintf("tepai_bench_%d", os.Getpid())
	if err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin").Error; err != nil {
		b.Fatal(err)
	}
	cleanups = append(cleanups, func() { admin.Exec("DROP DATABASE IF EXISTS " + name); admin.Close() })
	mc.DBName = name
	return mc.FormatDSN()
}

// benchRegions are Zhejiang, Kaihua County and its 华埠镇.
var benchRegions = []struct{ level, code string }{{"province", "33"}, {"county", "330824"}, {"township", "330824115"}}

// BenchmarkStats times each statistic from the aggregates ("rollup") and
// the same figures by plain GROUP BY queries over the record tables
// ("raw"), for a year, at each level.
func BenchmarkStats(b *testing.B) {
	ctx := context.Background()
	p := models.YearPeriod(2024)
	for _, backend := range benchBackends() {
		for _, r := range benchRegions {
			cases := []struct {
				name   string
				rollup func(db *models.DB) error
				raw    func(db *models.DB) error
			}{
				{"coverage", func(db *models.DB) error { _, err := db.Coverage(ctx, r.code, p); return err },
					func(db *models.DB) error { return rawCoverageSQL(db, r.code, p) }},
				{"services", func(db *models.DB) error { _, err := db.Services(ctx, r.code, p, models.GroupByRegion); return err },
					func(db *models.DB) error { return rawServicesSQL(db, r.code, p) }},
				{"summary", func(db *models.DB) error { _, err := db.Summary(ctx, r.code, 2024); return err },
					func(db *models.DB) error { return rawSummarySQL(db, r.code, p) }},
			}
			for _, c := range cases {
				for _, k := range []struct {
					kind string
					fn   func(*models.DB) error
				}{{"rollup", c.rollup}, {"raw", c.raw}} {
					fn := k.fn
					b.Run(fmt.Sprintf("%s/%s/%s/%s", backend, c.name, r.level, k.kind), func(b *testing.B) {
						db := benchDatabase(b, backend)
						for b.Loop() {
							if err := fn(db); err != nil {
								b.Fatal(err)
							}
						}
					})
				}
			}
		}
	}
}

// BenchmarkWriteVisit times creating one visit with its change (audit,
// change log and every aggregate) in one transaction.
func BenchmarkWriteVisit(b *testing.B) {
	for _, backend := range benchBackends() {
		b.Run(backend, func(b *testing.B) {
			env := testenv.New(b, backend)
			w := newWorld(env, 1)
			for b.Loop() {
				if err := w.write(models.ActionCreate, nil, w.newVisit()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
