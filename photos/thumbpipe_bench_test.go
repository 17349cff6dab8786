package photos

import (
	"bytes"
	"image/jpeg"
	"syscall"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/jpegscale"
	"github.com/tepai/tepai/loadgen"
)

// cpuStart returns a function that reports the process CPU time spent
// since, per op, as cpu-µs/op (what a busy machine's wall time hides).
func cpuStart(b *testing.B) func() {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	t0 := ru.Utime.Nano() + ru.Stime.Nano()
	return func() {
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		b.ReportMetric(float64(ru.Utime.Nano()+ru.Stime.Nano()-t0)/1e3/float64(b.N), "cpu-µs/op")
	}
}

// minTimer records the shortest iteration, which on a shared, busy
// machine is the closest to the uncontended time.
type minTimer struct {
	t0  time.Time
	min time.Duration
}

func (m *minTimer) start() { m.t0 = time.Now() }
func (m *minTimer) stop() {
	if d := time.Since(m.t0); m.min == 0 || d < m.min {
		m.min = d
	}
}
func (m *minTimer) report(b *testing.B) { b.ReportMetric(float64(m.min.Microseconds()), "min-µs") }

// BenchmarkThumbnailPipeline makes the thumbnail of the load generator's
// 200 KB camera-like JPEG in memory: decode at reduced scale, scale to
// ThumbnailSize, encode; and each step on its own.
func BenchmarkThumbnailPipeline(b *testing.B) {
	pool, err := loadgen.NewPhotoPool(1, 200, 1)
	if err != nil {
		b.Fatal(err)
	}
	photo := pool.Photo("x", time.Now(), 29.13, 118.41)
	img, err := jpegscale.DecodeScaled(bytes.NewReader(photo), ThumbnailSize, ThumbnailSize)
	if err != nil {
		b.Fatal(err)
	}
	full, _ := jpeg.DecodeConfig(bytes.NewReader(photo))
	b.Logf("photo %d bytes, %dx%d, decoded at %v", len(photo), full.Width, full.Height, img.Bounds())
	small := scaleDown(img, ThumbnailSize)
	b.Run("all", func(b *testing.B) {
		sc := &thumbScratch{}
		run(b, func() {
			m, err := sc.thumbnailPicture(nil, nil, "", bytes.NewReader(photo), true)
			if err != nil {
				b.Fatal(err)
			}
			if sc.out, err = encodeThumbnail(sc.out[:0], m); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("decode", func(b *testing.B) {
		run(b, func() {
			if _, err := jpegscale.DecodeScaled(bytes.NewReader(photo), ThumbnailSize, ThumbnailSize); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("scale", func(b *testing.B) {
		run(b, func() { scaleDown(img, ThumbnailSize) })
	})
	b.Run("encode", func(b *testing.B) {
		var buf []byte
		run(b, func() {
			var err error
			if buf, err = encodeThumbnail(buf[:0], small); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// run runs op b.N times and reports its allocations, its CPU time and its
// shortest time.
func run(b *testing.B, op func()) {
	b.ReportAllocs()
	defer cpuStart(b)()
	var mt minTimer
	defer mt.report(b)
	for b.Loop() {
		mt.start()
		op()
		mt.stop()
	}
}
