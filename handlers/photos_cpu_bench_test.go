package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tepai/tepai/loadgen"
	"github.com/tepai/tepai/models"
	"github.com/tepai/tepai/photos"
)

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkVisitPhotoCPU creates a visit by POST /visits, uploads a
// camera-like 200 KB JPEG (with EXIF time and place) for it and makes its
// thumbnail, one after the other, and reports the process CPU time per
// visit and photo (cpu-ms/op; the client's share, building two small
// requests, is in it too). On MySQL and MinIO when configured, else SQLite
// and local disk. Profile with -cpuprofile. The three steps' shares are
// reported too: visit-ms, photo-ms (the upload) and thumb-ms (the job).
func BenchmarkVisitPhotoCPU(b *testing.B) {
	env := benchEnv(b, os.Getenv("TEPAI_TEST_S3_ENDPOINT") != "")
	me := env.NewUser(models.RoleCommissioner, "330824")
	pool, err := loadgen.NewPhotoPool(4, 200, 1)
	if err != nil {
		b.Fatal(err)
	}
	thumbs := photos.New(env.App.Deps.DB, env.App.Deps.Store, env.App.Deps.Config, env.App.Deps.Log)
	client := env.Server.Client()
	send := func(req *http.Request, want int) {
		req.Header.Set("Authorization", "Bearer "+me.Token)
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != want {
			b.Fatalf("%s %s: %d %s", req.Method, req.URL.Path, res.StatusCode, body)
		}
	}
	ctx := context.Background()
	var cpu, visitCPU, photoCPU, thumbCPU time.Duration
	for i := 0; b.Loop(); i++ {
		v := visitBody(huashan, 1+i%7)
		vb, _ := json.Marshal(v)
		photo := pool.Photo(newID(), time.Now().Add(-time.Hour), 29.13, 118.41)
		var form bytes.Buffer
		mw := multipart.NewWriter(&form)
		_ = mw.WriteField("owner_type", "visit")
		_ = mw.WriteField("owner_id", v["id"].(string))
		fw, _ := mw.CreateFormFile("file", "photo.jpg")
		_, _ = fw.Write(photo)
		_ = mw.Close()
		start := cpuTime()
		req, _ := http.NewRequest("POST", env.Server.URL+"/api/v1/visits", bytes.NewReader(vb))
		req.Header.Set("Content-Type", "application/json")
		send(req, http.StatusCreated)
		t1 := cpuTime()
		req, _ = http.NewRequest("POST", env.Server.URL+"/api/v1/photos", &form)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		send(req, http.StatusCreated)
		t2 := cpuTime()
		for {
			did, err := thumbs.ThumbnailOnce(ctx, "bench")
			if err != nil {
				b.Fatal(err)
			}
			if !did {
				break
			}
		}
		end := cpuTime()
		cpu += end - start
		visitCPU += t1 - start
		photoCPU += t2 - t1
		thumbCPU += end - t2
	}
	perOp := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
	b.ReportMetric(perOp(cpu), "cpu-ms/op")
	b.ReportMetric(perOp(visitCPU), "visit-ms")
	b.ReportMetric(perOp(photoCPU), "photo-ms")
	b.ReportMetric(perOp(thumbCPU), "thumb-ms")
}

// BenchmarkVisitPhotoThroughput sends a visit and its 200 KB photo per op
// from 8 and from 32 clients at once and reports visit+photo/s, and how
// long after the last upload the server's own thumbnail workers took to
// have every thumbnail made (thumb-lag-s: whether they keep up with
// ingest). On MySQL and MinIO when configured, else SQLite and local disk.
func BenchmarkVisitPhotoThroughput(b *testing.B) {
	for _, conc := range []int{8, 32} {
		b.Run(fmt.Sprintf("c%d", conc), func(b *testing.B) {
			env := benchEnv(b, os.Getenv("TEPAI_TEST_S3_ENDPOINT") != "")
			me := env.NewUser(models.RoleCommissioner, "330824")
			pool, err := loadgen.NewPhotoPool(4, 200, 1)
			if err != nil {
				b.Fatal(err)
			}
			client := env.Server.Client()
			post := func(path, contentType string, body []byte) error {
				req, _ := http.NewRequest("POST", env.Server.URL+path, bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+me.Token)
				req.Header.Set("Content-Type", contentType)
				res, err := client.Do(req)
				if err != nil {
					return err
				}
				msg, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusCreated {
					return fmt.Errorf("%s: %d %s", path, res.StatusCode, msg)
				}
				return nil
			}
			var next atomic.Int64
			var wg sync.WaitGroup
			errs := make(chan error, conc)
			b.ResetTimer()
			start := time.Now()
			for w := range conc {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
						v := visitBody(huashan, 1+int(i)%7)
						vb, _ := json.Marshal(v)
						var form bytes.Buffer
						mw := multipart.NewWriter(&form)
						_ = mw.WriteField("owner_type", "visit")
						_ = mw.WriteField("owner_id", v["id"].(string))
						fw, _ := mw.CreateFormFile("file", "photo.jpg")
						_, _ = fw.Write(pool.Photo(newID(), time.Now().Add(-time.Hour), 29.13, 118.41))
						_ = mw.Close()
						if err := post("/api/v1/visits", "application/json", vb); err != nil {
							errs <- err
							return
						}
						if err := post("/api/v1/photos", mw.FormDataContentType(), form.Bytes()); err != nil {
							errs <- fmt.Errorf("worker %d: %w", w, err)
							return
						}
					}
				}()
			}
			wg.Wait()
			uploaded := time.Since(start)
			close(errs)
			for err := range errs {
				b.Fatal(err)
			}
			// The server's thumbnail workers run meanwhile: wait for them
			// to have none left.
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			for {
				var pending int64
				if err := env.App.Deps.DB.Model(&models.PhotoJob{}).Count(&pending).Error; err != nil {
					b.Fatal(err)
				}
				if pending == 0 {
					break
				}
				<-tick.C
			}
			lag := time.Since(start) - uploaded
			b.StopTimer()
			b.ReportMetric(float64(b.N)/uploaded.Seconds(), "visit+photo/s")
			b.ReportMetric(lag.Seconds(), "thumb-lag-s")
		})
	}
}
