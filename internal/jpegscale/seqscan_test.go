package jpegscale

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tepai/tepai/loadgen"
)

// decodeBoth decodes data at the reduction fitting box with the sequential
// scan decoder and with the general path.
func decodeBoth(t *testing.T, data []byte, box int) (fast, general image.Image, fastErr, generalErr error) {
	t.Helper()
	fast, fastErr = DecodeScaled(bytes.NewReader(data), box, box)
	seqScans = false
	defer func() { seqScans = true }()
	general, generalErr = DecodeScaled(bytes.NewReader(data), box, box)
	return
}

func samePixels(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				return false
			}
		}
	}
	return true
}

// TestSeqScanMatchesStandardLibrary decodes the standard library's test
// JPEGs (every subsampling, grey, RGB, restart markers, progressive and
// truncated files) and the load generator's noisy camera-like photos at
// full size, and expects image/jpeg's pixels exactly, or an error where it
// gives one (CMYK: ErrUnsupported).
func TestSeqScanMatchesStandardLibrary(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(runtime.GOROOT(), "src", "image", "testdata", "*.jpeg"))
	if len(files) == 0 {
		t.Skip("no image/testdata in GOROOT")
	}
	inputs := map[string][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(f)] = data
	}
	pool, err := loadgen.NewPhotoPool(3, 200, 5)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"a", "b", "c"} {
		photo := pool.Photo(id, time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC), 29.13, 118.41)
		inputs["noisy-"+id] = photo
		if i == 0 {
			// Cut inside the entropy-coded data.
			inputs["noisy-truncated"] = photo[:len(photo)*2/3]
		}
	}
	for name, data := range inputs {
		want, wantErr := jpeg.Decode(bytes.NewReader(data))
		got, err := DecodeScaled(bytes.NewReader(data), 0, 0)
		switch {
		case strings.Contains(name, "cmyk"):
			if !errors.Is(err, ErrUnsupported) {
				t.Errorf("%s: %v, want ErrUnsupported", name, err)
			}
		case wantErr != nil || err != nil:
			if (wantErr == nil) != (err == nil) {
				t.Errorf("%s: error %v, image/jpeg's %v", name, err, wantErr)
			}
		case !samePixels(got, want):
			t.Errorf("%s: pixels differ from image/jpeg's", name)
		}
	}
}

// TestSeqScanMatchesGeneralPath decodes the same files at every reduction
// with the sequential scan decoder and with the general path (which keeps
// every coefficient) and expects the same pixels.
func TestSeqScanMatchesGeneralPath(t *testing.T) {
	var inputs [][]byte
	files, _ := filepath.Glob(filepath.Join(runtime.GOROOT(), "src", "image", "testdata", "video-00*.jpeg"))
	for _, f := range files {
		if strings.Contains(f, "progressive") || strings.Contains(f, "cmyk") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, data)
	}
	pool, err := loadgen.NewPhotoPool(2, 200, 9)
	if err != nil {
		t.Fatal(err)
	}
	inputs = append(inputs, pool.Photo("a", time.Now(), 29, 118), pool.Photo("b", time.Now(), 29, 118))
	inputs = append(inputs, testJPEG(t, 1600, 1200, false), testJPEG(t, 2560, 1920, true))
	for i, data := range inputs {
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		side := max(cfg.Width, cfg.Height)
		for _, box := range []int{side, side / 2, side / 4, side / 8} {
			fast, general, fastErr, generalErr := decodeBoth(t, data, box)
			if fastErr != nil || generalErr != nil {
				t.Fatalf("input %d at %d: %v, general path %v", i, box, fastErr, generalErr)
			}
			if !samePixels(fast, general) {
				t.Errorf("input %d (%dx%d) at %d: %v against the general path's %v or pixels differ", i, cfg.Width, cfg.Height, box, fast.Bounds(), general.Bounds())
			}
		}
	}
}

// TestDecoderReuse decodes pictures of different sizes and kinds one after
// another with one Decoder and expects each as a fresh DecodeScaled gives
// it, including a grey one after colour ones and a smaller after a larger.
func TestDecoderReuse(t *testing.T) {
	pool, err := loadgen.NewPhotoPool(1, 200, 2)
	if err != nil {
		t.Fatal(err)
	}
	inputs := [][]byte{
		pool.Photo("a", time.Now(), 29, 118),
		testJPEG(t, 1600, 1200, false),
		testJPEG(t, 300, 200, false),
		testJPEG(t, 640, 480, true),
		pool.Photo("b", time.Now(), 29, 118),
		testJPEG(t, 101, 67, false),
	}
	var dec Decoder
	for i, data := range inputs {
		want, err := DecodeScaled(bytes.NewReader(data), 320, 320)
		if err != nil {
			t.Fatal(err)
		}
		got, err := dec.DecodeScaled(bytes.NewReader(data), 320, 320)
		if err != nil {
			t.Fatal(err)
		}
		if !samePixels(got, want) {
			t.Errorf("input %d: %v, fresh %v, or pixels differ", i, got.Bounds(), want.Bounds())
		}
	}
}

// TestSeqScanCorrupt decodes photos with bytes of their entropy-coded data
// overwritten (markers, 0xff, random values) at every reduction: no panic,
// and the sequential scan decoder fails or succeeds as the general path
// does, with the same pixels when both succeed.
func TestSeqScanCorrupt(t *testing.T) {
	pool, err := loadgen.NewPhotoPool(1, 60, 4)
	if err != nil {
		t.Fatal(err)
	}
	photo := pool.Photo("a", time.Now(), 29, 118)
	sos := bytes.Index(photo, []byte{0xff, 0xda})
	rng := rand.New(rand.NewSource(1))
	differ := 0
	for k := range 300 {
		data := bytes.Clone(photo)
		for range 1 + k%4 {
			at := sos + 14 + rng.Intn(len(data)-sos-16)
			switch rng.Intn(4) {
			case 0:
				data[at], data[at+1] = 0xff, byte(0xd0+rng.Intn(8)) // a stray restart marker
			case 1:
				data[at] = 0xff
			default:
				data[at] = byte(rng.Intn(256))
			}
		}
		if k%10 == 0 {
			data = data[:sos+14+rng.Intn(len(data)-sos-14)] // cut short
		}
		for _, box := range []int{0, 320, 160, 80} {
			fast, general, fastErr, generalErr := decodeBoth(t, data, box)
			if (fastErr == nil) != (generalErr == nil) {
				differ++
				t.Logf("case %d at %d: error %v, general path %v", k, box, fastErr, generalErr)
				continue
			}
			if fastErr == nil && !samePixels(fast, general) {
				t.Errorf("case %d at %d: pixels differ from the general path's", k, box)
			}
		}
	}
	if differ > 0 {
		t.Errorf("%d decodes of 1200 failed on one path only", differ)
	}
}
