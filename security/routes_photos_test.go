package security_test

import (
	"bytes"
	"encoding/base64"
	"mime/multipart"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/tepai/tepai/internal/phototest"
)

// Photos are read like the records they belong to; only the record's
// commissioner adds or removes them. Uploads in progress are their
// uploader's alone: anyone else gets 404.
const (
	gridPhotoAdd    = "all 404 owner 201/404 other 404/201 anon 401"
	gridUploadOwn   = "all 404 owner %[1]d/404 other 404/%[1]d anon 401"
	gridPhotoDelete = "admin 204 bureau 403/404 bureauX 404/403 town 403/404 townX 404 owner 204/404 other 404/204 anon 401"
)

// uploaderOnly is who sees an upload in progress.
var uploaderOnly = visibility{"owner": {true, false}, "other": {false, true}}

var photoRules = map[string]rule{
	"POST /api/v1/photos": {kind: kindWrite, media: "multipart", want: gridPhotoAdd, build: func(w *world, s int, who string) call {
		body, ct := photoForm(w.sides[s].ids["visit"], phototest.JPEG(24, 24, int(next()), nil))
		return call{path: "/api/v1/photos", body: body, headers: []string{"Content-Type", ct}}
	}},
	"GET /api/v1/photos": {kind: kindList, want: gridEveryone, target: "photo", filtered: true,
		build: at("/api/v1/photos?limit=500&owner_type=visit&owner_id={visit}")},
	"GET /api/v1/photos/:id":           {kind: kindRead, want: gridReadScoped, build: at("/api/v1/photos/{photo}")},
	"GET /api/v1/photos/:id/content":   {kind: kindRead, signed: true, want: gridReadScoped, build: at("/api/v1/photos/{photo}/content")},
	"GET /api/v1/photos/:id/thumbnail": {kind: kindRead, signed: true, want: gridReadScoped, build: at("/api/v1/photos/{photo}/thumbnail")},
	"DELETE /api/v1/photos/:id": {kind: kindWrite, want: gridPhotoDelete, build: func(w *world, s int, who string) call {
		return call{path: "/api/v1/photos/" + w.makePhoto(s)}
	}},
}

// photoForm is a multipart photo form attaching file to a visit.
func photoForm(visit string, file []byte) ([]byte, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("id", uuid.NewString())
	_ = mw.WriteField("owner_type", "visit")
	_ = mw.WriteField("owner_id", visit)
	fw, _ := mw.CreateFormFile("file", "photo.jpg")
	_, _ = fw.Write(file)
	_ = mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// makePhoto uploads a photo of side s's visit as its commissioner and
// returns its id.
func (w *world) makePhoto(s int) string {
	w.t.Helper()
	body, ct := photoForm(w.sides[s].ids["visit"], phototest.JPEG(24, 24, int(next()), nil))
	r := w.env.Do("POST", "/api/v1/photos", w.sides[s].owner.Token, body, "Content-Type", ct)
	if r.Status != 201 {
		w.t.Fatalf("photo on the %s side: %d %s", sideName(s), r.Status, r.Body)
	}
	return r.JSON()["id"].(string)
}

// waitThumbnail waits, a bounded while, for the background job to make the
// thumbnail of photo id (its thumbnail_url is set once it exists).
func (w *world) waitThumbnail(id string) {
	w.t.Helper()
	for range 300 {
		if w.env.Do("GET", "/api/v1/photos/"+id, w.admin(), nil).JSON()["thumbnail_url"] != nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	w.t.Fatalf("no thumbnail for photo %s", id)
}

// tusHeaders are the headers of a tus request, with extra pairs.
func tusHeaders(extra ...string) []string {
	return append([]string{"Tus-Resumable", "1.0.0"}, extra...)
}

// uploadMeta is the Upload-Metadata of a photo of visit.
func uploadMeta(visit string) string {
	enc := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	return "id " + enc(uuid.NewString()) + ",owner_type " + enc("visit") + ",owner_id " + enc(visit)
}

// startUpload creates an upload of size bytes for side s's visit as its
// commissioner and returns its path.
func (w *world) startUpload(s, size int) string {
	w.t.Helper()
	r := w.env.Do("POST", "/api/v1/uploads/", w.sides[s].owner.Token, nil,
		tusHeaders("Upload-Length", strconv.Itoa(size), "Upload-Metadata", uploadMeta(w.sides[s].ids["visit"]))...)
	loc := r.Header.Get("Location")
	if r.Status != 201 || loc == "" {
		w.t.Fatalf("upload on the %s side: %d %s", sideName(s), r.Status, r.Body)
	}
	return strings.TrimPrefix(loc, w.env.Server.URL)
}

var uploadRules = map[string]rule{
	"POST /api/v1/uploads/*": {kind: kindWrite, media: "tus", want: "all 404 owner 201/404 other 404/201 anon 401",
		build: func(w *world, s int, who string) call {
			return call{path: "/api/v1/uploads/", headers: tusHeaders("Upload-Length", "100", "Upload-Metadata", uploadMeta(w.sides[s].ids["visit"]))}
		}},
	"HEAD /api/v1/uploads/*": {kind: kindRead, media: "tus", sees: uploaderOnly, want: sprintf(gridUploadOwn, 200),
		build: func(w *world, s int, who string) call {
			return call{path: w.sides[s].ids["upload"], headers: tusHeaders()}
		}},
	"PATCH /api/v1/uploads/*": {kind: kindWrite, media: "tus", sees: uploaderOnly, want: sprintf(gridUploadOwn, 204),
		build: func(w *world, s int, who string) call {
			jpg := phototest.JPEG(24, 24, int(next()), nil)
			return call{path: w.startUpload(s, len(jpg)), body: jpg,
				headers: tusHeaders("Content-Type", "application/offset+octet-stream", "Upload-Offset", "0")}
		}},
	"DELETE /api/v1/uploads/*": {kind: kindWrite, media: "tus", sees: uploaderOnly, want: sprintf(gridUploadOwn, 204),
		build: func(w *world, s int, who string) call {
			return call{path: w.startUpload(s, 100), headers: tusHeaders()}
		}},
	// tus discovery: clients ask before they have a token.
	"OPTIONS /api/v1/uploads/*": {kind: kindPublic, media: "tus", want: gridPublic,
		build: func(w *world, s int, who string) call { return call{path: "/api/v1/uploads/", headers: tusHeaders()} }},
	// Every other method is not tus: refused.
	"* /api/v1/uploads/*": {kind: kindOther, media: "tus", want: "all 405 anon 401",
		build: func(w *world, s int, who string) call {
			return call{path: w.sides[s].ids["upload"], headers: tusHeaders()}
		}},
	// The creation endpoint without the trailing slash answers the same.
	"POST /api/v1/uploads": {kind: kindWrite, media: "tus", want: "all 404 owner 201/404 other 404/201 anon 401",
		build: func(w *world, s int, who string) call {
			return call{path: "/api/v1/uploads", headers: tusHeaders("Upload-Length", "100", "Upload-Metadata", uploadMeta(w.sides[s].ids["visit"]))}
		}},
	"OPTIONS /api/v1/uploads": {kind: kindPublic, media: "tus", want: gridPublic,
		build: func(w *world, s int, who string) call { return call{path: "/api/v1/uploads", headers: tusHeaders()} }},
	"* /api/v1/uploads": {kind: kindOther, media: "tus", want: "all 405 anon 401",
		build: func(w *world, s int, who string) call { return call{path: "/api/v1/uploads", headers: tusHeaders()} }},
}
