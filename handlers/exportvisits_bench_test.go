package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/handlers"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// countingWriter is a response that counts its bytes and keeps none.
type countingWriter struct {
	header http.Header
	n      atomic.Int64
}

func (w *countingWriter) Header() http.Header         { return w.header }
func (w *countingWriter) WriteHeader(int)             {}
func (w *countingWriter) Flush()                      {}
func (w *countingWriter) Write(p []byte) (int, error) { w.n.Add(int64(len(p))); return len(p), nil }

// fillVisits writes n visits by 200 commissioners across Kaihua's
// villages: a few thousand through the models, then copies of them made by
// the database itself (with new ids) until there are n.
func fillVisits(b *testing.B, env *testenv.Env, n int) {
	db := env.DB()
	var villages []string
	db.Model(&models.Region{}).Where("code LIKE ? AND rural = ?", "330824%", true).Pluck("code", &villages)
	var people []*models.Commissioner
	for range 200 {
		people = append(people, env.NewUser(models.RoleCommissioner, "330824").Commissioner)
	}
	size := 400
	if env.Backend == "sqlite" {
		size = 40
	}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	base := make([]models.Visit, min(n, 5000))
	for i := range base {
		s := start.Add(time.Duration(i) * 97 * time.Minute)
		lat, lng := 29.1, 118.4
		base[i] = models.Visit{Meta: models.Meta{ID: models.NewID(), CommissionerID: people[i%len(people)].ID, Version: 1},
			VillageCode: villages[i%len(villages)], StartedAt: s, EndedAt: s.Add(time.Hour), VisitDate: s.Format(time.DateOnly),
			Lat: &lat, Lng: &lng, Category: "病虫害防治", Crops: []string{"茶叶"}, Problem: "茶园发现小绿叶蝉", Advice: "建议色板诱杀",
			FarmersServed: i % 20, Leaflets: i % 7, Technologies: []string{"茶树绿色防控"}, Varieties: []string{"龙井43"}, ReceivedAt: s}
	}
	if err := db.Session(&gorm.Session{CreateBatchSize: size}).Create(&base).Error; err != nil {
		b.Fatal(err)
	}
	newID := "lower(hex(randomblob(16)))"
	if env.Backend == "mysql" {
		newID = "UUID()"
	}
	const cols = "commissioner_id, village_code, started_at, ended_at, visit_date, lat, lng, accuracy_m, category, crops, problem, " +
		"advice, farmers_served, household_ids, leaflets, technologies, varieties, notes, flags, device_time, received_at, " +
		"create_hash, version, created_at, updated_at"
	for have := len(base); have < n; {
		add := min(have, n-have)
		err := db.Exec("INSERT INTO visits (id, "+cols+") SELECT "+newID+", "+cols+" FROM visits LIMIT ?", add).Error
		if err != nil {
			b.Fatal(err)
		}
		have += add
	}
}

// BenchmarkExportVisitsCSV exports TEPAI_BENCH_EXPORT_VISITS visits
// (default 100,000) of a county as CSV, newest first in pages on the
// list's keyset (the API's export), reporting the bytes written and the
// largest heap seen during the export.
func BenchmarkExportVisitsCSV(b *testing.B) {
	n := 100000
	if s, err := strconv.Atoi(os.Getenv("TEPAI_BENCH_EXPORT_VISITS")); err == nil {
		n = s
	}
	for _, backend := range benchBackends() {
		b.Run(backend, func(b *testing.B) {
			env := testenv.New(b, backend)
			t0 := time.Now()
			fillVisits(b, env, n)
			b.Logf("%s: %d visits written in %s", backend, n, time.Since(t0).Round(time.Second))
			b.Run("newest-first", func(b *testing.B) { exportOnce(b, env.DB(), n) })
		})
	}
}

func exportOnce(b *testing.B, db *models.DB, n int) {
	var peak atomic.Uint64
	stop := make(chan struct{})
	go sampleHeap(&peak, stop)
	defer close(stop)
	var written int64
	for b.Loop() {
		w := &countingWriter{header: http.Header{}}
		c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/", nil), w)
		q := models.InRegion(db.Model(&models.Visit{}), "village_code", "330824")
		if err := handlers.ExportVisits(c, db, handlers.FormatCSV, "visits", q); err != nil {
			b.Fatal(err)
		}
		written = w.n.Load()
	}
	b.ReportMetric(float64(n), "visits/op")
	b.ReportMetric(float64(written)/1e6, "MB-out/op")
	b.ReportMetric(float64(peak.Load())/1e6, "peak-heap-MB")
}

func benchBackends() []string {
	if testenv.MySQLAvailable() {
		return []string{"sqlite", "mysql"}
	}
	return []string{"sqlite"}
}

// sampleHeap records the largest heap in use until stop closes.
func sampleHeap(peak *atomic.Uint64, stop chan struct{}) {
	var m runtime.MemStats
	for {
		select {
		case <-stop:
			return
		case <-time.After(20 * time.Millisecond):
		}
		runtime.ReadMemStats(&m)
		if m.HeapInuse > peak.Load() {
			peak.Store(m.HeapInuse)
		}
	}
}
