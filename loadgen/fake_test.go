package loadgen

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fake is an in-memory server that follows the API contract for what the
// load generator uses, with switches for the bugs the verification must
// catch.
type fake struct {
	mu        sync.Mutex
	users     map[string]string // phone → password
	tokens    map[string]string // token → commissioner id ("" for the admin)
	refreshes map[string]string // refresh token → commissioner id
	logins    int               // successful sign-ins with a password
	comms     []commissionerItem
	assigned  map[string][]string        // commissioner id → villages
	records   map[string]map[string]fRec // type → id → record
	order     map[string][]string        // type → ids in creation order
	changes   []fChange
	photos    map[string]fPhoto
	photoList []string
	uploads   map[string]*fUpload

	loseEvery int  // acknowledge but do not store every n-th new record
	listTwice bool // list the first record of each type twice
}

type fRec struct {
	owner   string
	body    json.RawMessage
	version int
}

type fChange struct {
	owner, typ string
	body       json.RawMessage
}

type fPhoto struct {
	Photo
	owner string
	data  []byte
}

type fUpload struct {
	meta   map[string]string
	length int
	data   []byte
	owner  string
}

func newFake(t *testing.T) (*fake, *httptest.Server) {
	f := &fake{users: map[string]string{"13800000000": "admin-password"}, tokens: map[string]string{},
		assigned: map[string][]string{}, records: map[string]map[string]fRec{"visit": {}, "training": {}},
		order: map[string][]string{}, photos: map[string]fPhoto{}, uploads: map[string]*fUpload{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/auth/login", f.login)
	mux.HandleFunc("POST /api/v1/auth/refresh", f.refresh)
	mux.HandleFunc("GET /api/v1/regions/{code}/children", f.children)
	mux.HandleFunc("GET /api/v1/commissioners", f.auth(f.listCommissioners))
	mux.HandleFunc("POST /api/v1/commissioners", f.auth(f.createCommissioner))
	mux.HandleFunc("GET /api/v1/assignments", f.auth(f.listAssignments))
	mux.HandleFunc("POST /api/v1/assignments", f.auth(f.createAssignment))
	mux.HandleFunc("POST /api/v1/sync/push", f.auth(f.push))
	mux.HandleFunc("GET /api/v1/sync/pull", f.auth(f.pull))
	mux.HandleFunc("GET /api/v1/visits", f.auth(f.lister("visit")))
	mux.HandleFunc("GET /api/v1/trainings", f.auth(f.lister("training")))
	f.photoRoutes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return f, srv
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, status int, code string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": code}})
}

// auth passes the caller's commissioner id ("" for the admin) to h.
func (f *fake) auth(h func(w http.ResponseWriter, r *http.Request, caller string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		caller, ok := f.tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
		f.mu.Unlock()
		if !ok {
			fail(w, 401, "unauthorized")
			return
		}
		h(w, r, caller)
	}
}

func (f *fake) login(w http.ResponseWriter, r *http.Request) {
	var in struct{ Phone, Password string }
	_ = json.NewDecoder(r.Body).Decode(&in)
	f.mu.Lock()
	defer f.mu.Unlock()
	if pw, ok := f.users[in.Phone]; !ok || pw != in.Password {
		fail(w, 401, "unauthorized")
		return
	}
	caller := ""
	for _, c := range f.comms {
		if c.Phone == in.Phone {
			caller = c.ID
		}
	}
	tok := fmt.Sprintf("tok-%d", len(f.tokens))
	f.tokens[tok] = caller
	if f.refreshes == nil {
		f.refreshes = map[string]string{}
	}
	ref := fmt.Sprintf("ref-%d", len(f.refreshes))
	f.refreshes[ref] = caller
	f.logins++
	writeJSON(w, 200, map[string]any{"access_token": tok, "refresh_token": ref, "token_type": "Bearer"})
}

// refresh answers a new access token for a refresh token (the same one
// again for the same refresh token, as within the server's grace period).
func (f *fake) refresh(w http.ResponseWriter, r *http.Request) {
	var in struct {
		RefreshToken string `json:"refresh_token"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	f.mu.Lock()
	defer f.mu.Unlock()
	caller, ok := f.refreshes[in.RefreshToken]
	if !ok {
		fail(w, 401, "unauthorized")
		return
	}
	tok := "tok-" + in.RefreshToken
	f.tokens[tok] = caller
	writeJSON(w, 200, map[string]any{"access_token": tok, "refresh_token": in.RefreshToken + "-next", "token_type": "Bearer"})
}

// children answers a small region tree: county 330824 with two townships
// of two rural villages and one residents' committee each.
func (f *fake) children(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	var items []Region
	switch len(code) {
	case 6:
		items = []Region{{Code: code + "100", Level: "township"}, {Code: code + "101", Level: "township"}}
	case 9:
		for _, s := range []string{"001", "201", "202"} {
			items = append(items, Region{Code: code + s, Level: "village"})
		}
	}
	writeJSON(w, 200, map[string]any{"items": items})
}

func (f *fake) listCommissioners(w http.ResponseWriter, r *http.Request, _ string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	writeJSON(w, 200, map[string]any{"items": f.comms})
}

func (f *fake) createCommissioner(w http.ResponseWriter, r *http.Request, _ string) {
	var in struct{ Phone, Password string }
	_ = json.NewDecoder(r.Body).Decode(&in)
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.users[in.Phone]; ok {
		fail(w, 409, "conflict")
		return
	}
	f.users[in.Phone] = in.Password
	c := commissionerItem{ID: fmt.Sprintf("c%d", len(f.comms)), Phone: in.Phone}
	f.comms = append(f.comms, c)
	writeJSON(w, 201, c)
}

func (f *fake) listAssignments(w http.ResponseWriter, r *http.Request, _ string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var items []map[string]string
	for _, v := range f.assigned[r.URL.Query().Get("commissioner_id")] {
		items = append(items, map[string]string{"village_code": v})
	}
	writeJSON(w, 200, map[string]any{"items": items})
}

func (f *fake) createAssignment(w http.ResponseWriter, r *http.Request, _ string) {
	var in struct {
		CommissionerID string `json:"commissioner_id"`
		VillageCode    string `json:"village_code"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.assigned[in.CommissionerID] = append(f.assigned[in.CommissionerID], in.VillageCode)
	writeJSON(w, 201, in)
}

// servePage answers items[cursor:cursor+7] with the next cursor, so that
// clients must follow cursors.
func servePage[T any](w http.ResponseWriter, r *http.Request, items []T) {
	from, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
	to := min(from+7, len(items))
	next := ""
	if to < len(items) {
		next = strconv.Itoa(to)
	}
	writeJSON(w, 200, map[string]any{"items": items[from:to], "next_cursor": next})
}

func (f *fake) lister(typ string) func(w http.ResponseWriter, r *http.Request, _ string) {
	return func(w http.ResponseWriter, r *http.Request, _ string) {
		f.mu.Lock()
		var items []json.RawMessage
		for _, id := range f.order[typ] {
			rec := f.records[typ][id]
			var m map[string]any
			_ = json.Unmarshal(rec.body, &m)
			m["version"] = rec.version
			b, _ := json.Marshal(m)
			items = append(items, b)
		}
		if f.listTwice && len(items) > 0 {
			items = append(items, items[0])
		}
		f.mu.Unlock()
		servePage(w, r, items)
	}
}

func sum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func b64(s string) string {
	b, _ := base64.StdEncoding.DecodeString(s)
	return string(b)
}

func readAll(r io.Reader) []byte { b, _ := io.ReadAll(r); return b }
