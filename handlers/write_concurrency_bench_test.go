package handlers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// Villages of 华埠镇 (330824115) for the push benchmark.
var huabuVillages = []string{"330824115200", "330824115201", "330824115202", "330824115203", "330824115204"}

// lockStatus reads the server's InnoDB row-lock counters: total wait (ms)
// and number of waits. They are server-wide: whatever else runs on the
// same server counts too.
func lockStatus(b *testing.B, env *testenv.Env) (ms, waits int64) {
	var rows []struct {
		VariableName string `gorm:"column:Variable_name"`
		Value        string `gorm:"column:Value"`
	}
	if err := env.DB().Raw("SHOW GLOBAL STATUS LIKE 'Innodb_row_lock_%'").Scan(&rows).Error; err != nil {
		b.Fatal(err)
	}
	for _, r := range rows {
		v, _ := strconv.ParseInt(r.Value, 10, 64)
		switch r.VariableName {
		case "Innodb_row_lock_time":
			ms = v
		case "Innodb_row_lock_waits":
			waits = v
		}
	}
	return ms, waits
}

// runRequests sends n requests from c goroutines and returns the elapsed
// time and each request's latency.
func runRequests(b *testing.B, c, n int, send func(i int) error) (time.Duration, []time.Duration) {
	var next atomic.Int64
	lat := make([]time.Duration, n)
	var wg sync.WaitGroup
	var failed atomic.Value
	start := time.Now()
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t0 := time.Now()
				if err := send(i); err != nil {
					failed.Store(err)
					return
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	if err, ok := failed.Load().(error); ok {
		b.Fatal(err)
	}
	return time.Since(start), lat
}

// encode returns v as JSON.
func encode(b *testing.B, v any) []byte {
	buf, err := json.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	return buf
}

func p99(lat []time.Duration) time.Duration {
	s := slices.Clone(lat)
	slices.Sort(s)
	return s[len(s)*99/100]
}

// postJSON posts the JSON text buf to path as token and checks the
// status. Callers encode their bodies before they start the clock: the
// load generator's own encoding is not the server's work, and on a
// two-core machine it takes CPU from the server it measures.
func postJSON(env *testenv.Env, path, token string, buf []byte, want int) error {
	req, _ := http.NewRequest("POST", env.Server.URL+path, bytes.NewReader(buf))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := env.Server.Client().Do(req)
	if err != nil {
		return err
	}
	out, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != want {
		return fmt.Errorf("%s: %d %s", path, res.StatusCode, out)
	}
	return nil
}

// BenchmarkWriteConcurrency measures, on MySQL, one visit per POST /visits
// from one commissioner over five villages at concurrency 1, 8 and 32, and
// sync pushes of 50 visits from 32 commissioners of one township at
// concurrency 8 and 32, each beside the rate of a raw batched INSERT of
// the same visits (50 rows per statement) measured right after it. It
// reports records/s, p99 latency, and the InnoDB row-lock wait per record
// and waits per record (server-wide counters). Run with -benchtime 1x;
// TEPAI_BENCH_REQUESTS sets the requests per level (default 320).
func BenchmarkWriteConcurrency(b *testing.B) {
	if !testenv.MySQLAvailable() {
		b.Skip("needs TEPAI_TEST_MYSQL_DSN")
	}
	n := 320
	if s, err := strconv.Atoi(os.Getenv("TEPAI_BENCH_REQUESTS")); err == nil && s > 0 {
		n = s
	}
	env := testenv.New(b, "mysql")
	one := env.NewUser(models.RoleCommissioner, "330824")
	villages := []string{huashan, jianfeng, xiazhuang, suzhuang, villageHuayang}
	var team []*testenv.Person
	for range 32 {
		team = append(team, env.NewUser(models.RoleCommissioner, "330824115"))
	}
	report := func(b *testing.B, recs int, elapsed time.Duration, lat []time.Duration, lockMs, waits int64, ids []string) {
		raw := rawRate(b, env, ids)
		rate := float64(recs) / elapsed.Seconds()
		b.ReportMetric(rate, "rec/s")
		b.ReportMetric(raw, "raw_rec/s")
		b.ReportMetric(rate/raw, "of_raw")
		b.ReportMetric(float64(p99(lat).Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(lockMs)/float64(recs), "lockwait-ms/rec")
		b.ReportMetric(float64(waits)/float64(recs), "waits/rec")
	}
	for _, c := range []int{1, 8, 32} {
		b.Run(fmt.Sprintf("visit/c%d", c), func(b *testing.B) {
			for b.Loop() {
				bodies := make([][]byte, n)
				ids := make([]string, n)
				for i := range bodies {
					v := visitBody(villages[i%len(villages)], 1)
					bodies[i], ids[i] = encode(b, v), v["id"].(string)
				}
				ms0, w0 := lockStatus(b, env)
				elapsed, lat := runRequests(b, c, n, func(i int) error {
					return postJSON(env, "/api/v1/visits", one.Token, bodies[i], http.StatusCreated)
				})
				ms1, w1 := lockStatus(b, env)
				report(b, n, elapsed, lat, ms1-ms0, w1-w0, ids)
			}
		})
	}
	for _, c := range []int{8, 32} {
		b.Run(fmt.Sprintf("push50/c%d", c), func(b *testing.B) {
			for b.Loop() {
				const batch = 50
				batches := max(c, n/batch*2)
				bodies := make([][]byte, batches)
				var ids []string
				for i := range bodies {
					changes := make([]map[string]any, batch)
					for j := range changes {
						v := visitBody(huabuVillages[(i+j)%len(huabuVillages)], 1+j%3)
						changes[j] = upsert("visit", v, 0)
						ids = append(ids, v["id"].(string))
					}
					bodies[i] = encode(b, pushBody(changes...))
				}
				ms0, w0 := lockStatus(b, env)
				elapsed, lat := runRequests(b, c, batches, func(i int) error {
					return postJSON(env, "/api/v1/sync/push", team[i%len(team)].Token, bodies[i], http.StatusOK)
				})
				ms1, w1 := lockStatus(b, env)
				report(b, batches*batch, elapsed, lat, ms1-ms0, w1-w0, ids)
			}
		})
	}
}

// rawRate copies the stored visits with ids under new ids, 50 rows per
// INSERT, and returns the rows per second; it fails unless every id was
// stored.
func rawRate(b *testing.B, env *testenv.Env, ids []string) float64 {
	var took time.Duration
	for rest := ids; len(rest) > 0; {
		part := rest[:min(50, len(rest))]
		rest = rest[len(part):]
		took += rawInsert(b, env, part)
	}
	return float64(len(ids)) / took.Seconds()
}
