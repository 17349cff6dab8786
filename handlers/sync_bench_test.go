package handlers_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// BenchmarkPushThroughput pushes batches of 50 new visits through the API
// and, after each, inserts the same 50 rows (with new ids) into the same
// database with one multi-row INSERT. It reports both rates in records/s
// and their ratio (push / raw); alternating the two keeps the ratio fair
// on a machine whose load changes.
func BenchmarkPushThroughput(b *testing.B) {
	backends := []string{"sqlite"}
	if testenv.MySQLAvailable() {
		backends = append(backends, "mysql")
	}
	for _, backend := range backends {
		b.Run(backend, func(b *testing.B) {
			env := testenv.New(b, backend)
			me := env.NewUser("commissioner", "330824")
			const batch = 50
			villages := []string{huashan, jianfeng, xiazhuang, suzhuang}
			var pushDur, rawDur time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				changes := make([]map[string]any, batch)
				ids := make([]string, batch)
				for j := range changes {
					v := visitBody(villages[j%4], 1+j%7)
					changes[j], ids[j] = upsert("visit", v, 0), v["id"].(string)
				}
				start := time.Now()
				if status, _, err := rawPush(env, me.Token, pushBody(changes...)); err != nil || status != http.StatusOK {
					b.Fatalf("push: %d %v", status, err)
				}
				pushDur += time.Since(start)
				rawDur += rawInsert(b, env, ids)
			}
			b.StopTimer()
			pushRate := float64(b.N*batch) / pushDur.Seconds()
			rawRate := float64(b.N*batch) / rawDur.Seconds()
			b.ReportMetric(pushRate, "push_rec/s")
			b.ReportMetric(rawRate, "raw_rec/s")
			b.ReportMetric(pushRate/rawRate, "push/raw")
		})
	}
}

// rawInsert copies the stored visits with ids under new ids in one
// multi-row INSERT and returns how long the INSERT took.
func rawInsert(b *testing.B, env *testenv.Env, ids []string) time.Duration {
	var rows []models.Visit
	if err := env.DB().Where("id IN ?", ids).Find(&rows).Error; err != nil || len(rows) != len(ids) {
		b.Fatalf("read pushed visits: %d %v", len(rows), err)
	}
	for i := range rows {
		rows[i].ID = models.NewID()
	}
	start := time.Now()
	if err := env.DB().Create(&rows).Error; err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}
