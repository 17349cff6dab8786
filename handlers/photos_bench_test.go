package handlers_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/tepai/tepai/internal/phototest"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
	"github.com/tepai/tepai/storage"
)

// benchSize is the size of the benchmarks' photos.
const benchSize = 5 << 20

// writeBigJPEG writes a valid JPEG of benchSize bytes, unique per seed: a
// small picture padded with comment segments, generated as it is written.
func writeBigJPEG(w io.Writer, seed uint64) error {
	base := phototest.JPEG(64, 48, int(seed%97), nil)
	if _, err := w.Write(base[:2]); err != nil {
		return err
	}
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	rng := rand.NewChaCha8(key)
	buf := make([]byte, 4+65533)
	left := benchSize - len(base)
	for left > 0 {
		n := min(65533, left-4)
		if n < 1 {
			n = 1
		}
		buf[0], buf[1] = 0xFF, 0xFE
		binary.BigEndian.PutUint16(buf[2:], uint16(n+2))
		_, _ = rng.Read(buf[4 : 4+n])
		if _, err := w.Write(buf[:4+n]); err != nil {
			return err
		}
		left -= 4 + n
	}
	_, err := w.Write(base[2:])
	return err
}

// streamUpload posts a photo form whose file is generated as it is sent.
func streamUpload(env *testenv.Env, token, visit string, seed uint64) (int, error) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		_ = mw.WriteField("id", models.NewID())
		_ = mw.WriteField("owner_type", "visit")
		_ = mw.WriteField("owner_id", visit)
		fw, _ := mw.CreateFormFile("file", "big.jpg")
		err := writeBigJPEG(fw, seed)
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequest("POST", env.Server.URL+"/api/v1/photos", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := env.Server.Client().Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// benchEnv starts tepai on MySQL when configured (else SQLite), with MinIO
// when minio is set.
func benchEnv(b *testing.B, withMinIO bool) *testenv.Env {
	backend := "sqlite"
	if testenv.MySQLAvailable() {
		backend = "mysql"
	}
	cfg := testenv.Config(b, backend)
	cfg.S3.Endpoint = ""
	if withMinIO {
		if os.Getenv("TEPAI_TEST_S3_ENDPOINT") == "" {
			b.Skip("needs TEPAI_TEST_S3_* (MinIO)")
		}
		cfg.S3 = testenv.S3Config(b)
	}
	return testenv.NewWithConfig(b, backend, cfg)
}

// BenchmarkPhotoUploadVsPutObject compares 5 MB photo uploads through the
// API (multipart, inspection, spool, PUT, server-side move, record) with
// minio-go PutObject of the same size to the same MinIO.
func BenchmarkPhotoUploadVsPutObject(b *testing.B) {
	env := benchEnv(b, true)
	alice := env.NewUser(models.RoleCommissioner, townshipHuabu)
	visit := newVisit(b, env, alice.Commissioner, villageHuayang, photoTime(2024, 5, 21, 9, 0))
	mc := env.App.Deps.Store.(*storage.MinIO)
	var direct bytes.Buffer
	_ = writeBigJPEG(&direct, 1)
	var apiTime, putTime time.Duration
	b.SetBytes(benchSize)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		status, err := streamUpload(env, alice.Token, visit.ID, uint64(i)+1000)
		apiTime += time.Since(start)
		if err != nil || status != 201 {
			b.Fatalf("upload: %d %v", status, err)
		}
		start = time.Now()
		_, err = mc.Client().PutObject(context.Background(), mc.Bucket(), fmt.Sprintf("bench/%d", i), bytes.NewReader(direct.Bytes()), benchSize, minio.PutObjectOptions{ContentType: "image/jpeg"})
		putTime += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
	}
	n := float64(b.N) * benchSize / (1 << 20)
	b.ReportMetric(n/apiTime.Seconds(), "api-MB/s")
	b.ReportMetric(n/putTime.Seconds(), "putobject-MB/s")
	b.ReportMetric(putTime.Seconds()/apiTime.Seconds(), "api/putobject")
}

// BenchmarkPhotoUploadMemory20x5MB sends 20 uploads of 5 MB at once and
// reports the peak heap in use (sampled every 2 ms) above the idle heap.
func BenchmarkPhotoUploadMemory20x5MB(b *testing.B) {
	for _, store := range []string{"local", "minio"} {
		b.Run(store, func(b *testing.B) {
			env := benchEnv(b, store == "minio")
			alice := env.NewUser(models.RoleCommissioner, townshipHuabu)
			visit := newVisit(b, env, alice.Commissioner, villageHuayang, photoTime(2024, 5, 21, 9, 0))
			var peak float64
			for i := 0; b.Loop(); i++ {
				peak = max(peak, uploadBurst(b, env, alice.Token, visit.ID, uint64(i)*100))
			}
			b.ReportMetric(peak, "peak-heap-MB")
		})
	}
}

// uploadBurst runs 20 concurrent uploads and returns the peak heap in use
// above the heap before, in MB.
func uploadBurst(b *testing.B, env *testenv.Env, token, visit string, seed uint64) float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var s runtime.MemStats
		for {
			runtime.ReadMemStats(&s)
			if s.HeapInuse > peak.Load() {
				peak.Store(s.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for j := 0; j < 20; j++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, err := streamUpload(env, token, visit, seed+uint64(j))
			if err == nil && status != 201 {
				err = fmt.Errorf("status %d", status)
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-sampled
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	return float64(peak.Load()-min(base, peak.Load())) / (1 << 20)
}
