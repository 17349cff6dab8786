package loadgen

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

func (f *fake) photoRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/photos", f.auth(f.postPhoto))
	mux.HandleFunc("GET /api/v1/photos", f.auth(f.listPhotos))
	mux.HandleFunc("GET /api/v1/photos/{id}", f.auth(f.getPhoto))
	mux.HandleFunc("GET /api/v1/photos/{id}/content", f.auth(f.photoContent))
	mux.HandleFunc("POST /api/v1/uploads/", f.auth(f.tusCreate))
	mux.HandleFunc("PATCH /api/v1/uploads/{uid}", f.auth(f.tusPatch))
	mux.HandleFunc("HEAD /api/v1/uploads/{uid}", f.auth(f.tusHead))
}

// storePhoto creates the photo (or answers the stored one for a known id)
// and returns the status to answer; the caller holds f.mu.
func (f *fake) storePhoto(caller string, fields map[string]string, data []byte) (int, fPhoto) {
	if old, ok := f.photos[fields["id"]]; ok {
		return 200, old
	}
	owner, ok := f.records[fields["owner_type"]][fields["owner_id"]]
	if !ok || owner.owner != caller || fields["id"] == "" {
		return 404, fPhoto{}
	}
	ph := fPhoto{Photo: Photo{ID: fields["id"], OwnerType: fields["owner_type"], OwnerID: fields["owner_id"],
		SHA256: sum(data), Size: int64(len(data))}, owner: caller, data: data}
	f.photos[ph.ID] = ph
	f.photoList = append(f.photoList, ph.ID)
	body, _ := json.Marshal(ph.Photo)
	f.changes = append(f.changes, fChange{owner: caller, typ: "photo", body: body})
	return 201, ph
}

func (f *fake) postPhoto(w http.ResponseWriter, r *http.Request, caller string) {
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		fail(w, 400, "bad_request")
		return
	}
	fields := map[string]string{}
	for k, v := range r.MultipartForm.Value {
		fields[k] = v[0]
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		fail(w, 422, "validation_failed")
		return
	}
	data := readAll(file)
	f.mu.Lock()
	status, ph := f.storePhoto(caller, fields, data)
	f.mu.Unlock()
	if status == 404 {
		fail(w, 404, "not_found")
		return
	}
	writeJSON(w, status, ph.Photo)
}

func (f *fake) listPhotos(w http.ResponseWriter, r *http.Request, _ string) {
	q := r.URL.Query()
	f.mu.Lock()
	var items []Photo
	for _, id := range f.photoList {
		if ph := f.photos[id]; ph.OwnerType == q.Get("owner_type") && ph.OwnerID == q.Get("owner_id") {
			items = append(items, ph.Photo)
		}
	}
	f.mu.Unlock()
	servePage(w, r, items)
}

func (f *fake) getPhoto(w http.ResponseWriter, r *http.Request, _ string) {
	f.mu.Lock()
	ph, ok := f.photos[r.PathValue("id")]
	f.mu.Unlock()
	if !ok {
		fail(w, 404, "not_found")
		return
	}
	writeJSON(w, 200, ph.Photo)
}

func (f *fake) photoContent(w http.ResponseWriter, r *http.Request, _ string) {
	f.mu.Lock()
	ph, ok := f.photos[r.PathValue("id")]
	f.mu.Unlock()
	if !ok || ph.data == nil { // nil: the row without its bytes
		fail(w, 404, "not_found")
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	_, _ = w.Write(ph.data)
}

func (f *fake) tusCreate(w http.ResponseWriter, r *http.Request, caller string) {
	n, err := strconv.Atoi(r.Header.Get("Upload-Length"))
	if err != nil || r.Header.Get("Tus-Resumable") != "1.0.0" {
		fail(w, 400, "bad_request")
		return
	}
	meta := map[string]string{}
	for _, kv := range strings.Split(r.Header.Get("Upload-Metadata"), ",") {
		if k, v, ok := strings.Cut(kv, " "); ok {
			meta[k] = b64(v)
		}
	}
	f.mu.Lock()
	uid := fmt.Sprintf("u%d", len(f.uploads))
	f.uploads[uid] = &fUpload{meta: meta, length: n, owner: caller}
	f.mu.Unlock()
	w.Header().Set("Location", "http://"+r.Host+"/api/v1/uploads/"+uid)
	w.WriteHeader(201)
}

func (f *fake) tusPatch(w http.ResponseWriter, r *http.Request, caller string) {
	off, _ := strconv.Atoi(r.Header.Get("Upload-Offset"))
	data := readAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.uploads[r.PathValue("uid")]
	switch {
	case !ok || u.owner != caller:
		w.WriteHeader(404)
		return
	case off != len(u.data):
		w.WriteHeader(409)
		return
	}
	u.data = append(u.data, data...)
	if len(u.data) == u.length { // the upload becomes the photo and is gone
		f.storePhoto(caller, u.meta, u.data)
		delete(f.uploads, r.PathValue("uid"))
	}
	w.Header().Set("Upload-Offset", strconv.Itoa(len(u.data)))
	w.WriteHeader(204)
}

func (f *fake) tusHead(w http.ResponseWriter, r *http.Request, _ string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.uploads[r.PathValue("uid")]
	if !ok {
		w.WriteHeader(404)
		return
	}
	w.Header().Set("Upload-Offset", strconv.Itoa(len(u.data)))
	w.Header().Set("Upload-Length", strconv.Itoa(u.length))
	w.WriteHeader(200)
}
