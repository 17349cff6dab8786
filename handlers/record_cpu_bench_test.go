package handlers_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// BenchmarkRecordCPU compares the process CPU time of one visit created by
// POST /visits ("post") with one visit of a 50-record sync push
// ("push50"), in cpu-ms/rec, one request at a time. The client's share of
// the CPU is in both, but for encoding the body, done before the clock.
// On MySQL when configured, else SQLite. Profile with -cpuprofile and
// -bench RecordCPU/post.
func BenchmarkRecordCPU(b *testing.B) {
	backend := "sqlite"
	if testenv.MySQLAvailable() {
		backend = "mysql"
	}
	env := testenv.New(b, backend)
	me := env.NewUser(models.RoleCommissioner, "330824")
	villages := []string{huashan, jianfeng, xiazhuang, suzhuang, villageHuayang}
	b.Run("post", func(b *testing.B) {
		var cpu time.Duration
		var recs int
		for i := 0; b.Loop(); i++ {
			body := encode(b, visitBody(villages[i%len(villages)], 1+i%5))
			start := cpuTime()
			if err := postJSON(env, "/api/v1/visits", me.Token, body, http.StatusCreated); err != nil {
				b.Fatal(err)
			}
			cpu += cpuTime() - start
			recs++
		}
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(recs), "cpu-ms/rec")
	})
	b.Run("push50", func(b *testing.B) {
		var cpu time.Duration
		var recs int
		for i := 0; b.Loop(); i++ {
			changes := make([]map[string]any, 50)
			for j := range changes {
				changes[j] = upsert("visit", visitBody(villages[j%len(villages)], 1+j%5), 0)
			}
			body := encode(b, pushBody(changes...))
			start := cpuTime()
			if err := postJSON(env, "/api/v1/sync/push", me.Token, body, http.StatusOK); err != nil {
				b.Fatal(err)
			}
			cpu += cpuTime() - start
			recs += len(changes)
		}
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(recs), "cpu-ms/rec")
	})
}
