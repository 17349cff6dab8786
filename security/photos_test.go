package security_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/phototest"
	"github.com/tepai/tepai/internal/testenv"
)

// TestHostilePhotos uploads polyglots, disguised documents and
// decompression bombs, through the form and through tus. What is refused
// leaves no photo; what is kept is kept as the image it starts as and is
// served with that type and nosniff, never as HTML.
func TestHostilePhotos(t *testing.T) {
	t.Parallel()
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		w := newWorld(t, env)
		jpg := phototest.JPEG(16, 16, 7, nil)
		png := phototest.PNG(16, 16, 7)
		script := []byte("<html><body><script>alert(document.cookie)</script></body></html>")
		cases := []struct {
			name string
			file []byte
			ok   []int // the statuses allowed
			as   string
		}{
			{"JPEG then HTML", cat(jpg, script), []int{201, 422}, "image/jpeg"},
			{"JPEG comment holding HTML", jpegComment(jpg, script), []int{201}, "image/jpeg"},
			{"PNG then ZIP", cat(png, zipHeader()), []int{201, 422}, "image/png"},
			{"JPEG magic then HTML", cat([]byte{0xFF, 0xD8, 0xFF, 0xE0}, script), []int{415, 422}, ""},
			{"HTML", script, []int{415}, ""},
			{"SVG with script", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), []int{415}, ""},
			{"GIF", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), []int{415}, ""},
			{"PNG bomb 50000x50000", pngBomb(50000, 50000), []int{422}, ""},
			{"JPEG bomb 50000x50000", jpegDims(jpg, 50000, 50000), []int{422}, ""},
			{"PNG 0x0", pngBomb(0, 0), []int{422}, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				for _, via := range []string{"form", "tus"} {
					w.hostilePhoto(t, via, c.file, c.ok, c.as)
				}
			})
		}
	})
}

// hostilePhoto uploads file as the in side's commissioner and checks the
// outcome.
func (w *world) hostilePhoto(t *testing.T, via string, file []byte, ok []int, as string) {
	before := tableCounts(t, w.env)
	status, id := w.uploadPhoto(t, via, file)
	t.Logf("%s: %d", via, status)
	if !containsInt(ok, status) {
		t.Fatalf("%s: %d, want one of %v", via, status, ok)
	}
	if status >= 300 {
		after := tableCounts(t, w.env)
		if after["photos"] != before["photos"] || after["photo_blobs"] != before["photo_blobs"] {
			t.Errorf("%s: refused with %d but a photo was stored", via, status)
		}
		return
	}
	r := w.do(t, "GET", w.sides[0].owner.Token, call{path: "/api/v1/photos/" + id + "/content"})
	if r.Status == http.StatusFound {
		r = w.followSigned(t, r)
	}
	if r.Status != 200 || r.Header.Get("Content-Type") != as || r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s: served %d as %q (nosniff %q), want %s", via, r.Status, r.Header.Get("Content-Type"), r.Header.Get("X-Content-Type-Options"), as)
	}
}

// uploadPhoto sends file for the in side's visit by the form or by tus and
// answers the final status and the photo id.
func (w *world) uploadPhoto(t *testing.T, via string, file []byte) (int, string) {
	tok := w.sides[0].owner.Token
	if via == "form" {
		body, ct := photoForm(w.sides[0].ids["visit"], file)
		r := w.do(t, "POST", tok, call{path: "/api/v1/photos", body: body, headers: []string{"Content-Type", ct}})
		id, _ := r.JSON()["id"].(string)
		return r.Status, id
	}
	r := w.do(t, "POST", tok, call{path: "/api/v1/uploads/",
		headers: tusHeaders("Upload-Length", strconv.Itoa(len(file)), "Upload-Metadata", uploadMeta(w.sides[0].ids["visit"]))})
	if r.Status != 201 {
		return r.Status, ""
	}
	loc := strings.TrimPrefix(r.Header.Get("Location"), w.env.Server.URL)
	r = w.do(t, "PATCH", tok, call{path: loc, body: file, headers: tusHeaders("Content-Type", "application/offset+octet-stream", "Upload-Offset", "0")})
	if r.Status == http.StatusNoContent {
		return http.StatusCreated, r.Header.Get("Photo-Id")
	}
	return r.Status, ""
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// jpegComment puts text in a COM segment right after the JPEG's SOI.
func jpegComment(jpg, text []byte) []byte {
	seg := []byte{0xFF, 0xFE, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(text)+2))
	return cat(jpg[:2], seg, text, jpg[2:])
}

// jpegDims rewrites the frame size in the JPEG's SOF0 segment.
func jpegDims(jpg []byte, w, h int) []byte {
	out := bytes.Clone(jpg)
	i := bytes.Index(out, []byte{0xFF, 0xC0})
	binary.BigEndian.PutUint16(out[i+5:], uint16(h))
	binary.BigEndian.PutUint16(out[i+7:], uint16(w))
	return out
}

// pngBomb is a valid PNG declaring w×h RGBA pixels whose IDAT is a small
// deflate stream of zeros: decoding it would need w×h×4 bytes.
func pngBomb(w, h int) []byte {
	var idat bytes.Buffer
	zw := zlib.NewWriter(&idat)
	_, _ = zw.Write(make([]byte, 1<<20))
	_ = zw.Close()
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 6
	return cat([]byte("\x89PNG\r\n\x1a\n"), chunk("IHDR", ihdr), chunk("IDAT", idat.Bytes()), chunk("IEND", nil))
}

func chunk(typ string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// zipHeader is the start of a ZIP archive holding index.html.
func zipHeader() []byte {
	return cat([]byte("PK\x03\x04\x14\x00\x00\x00\x00\x00"), make([]byte, 16), []byte("\x0a\x00\x00\x00index.html<script>alert(1)</script>"))
}
