package loadgen

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// canon re-encodes a JSON object with sorted keys.
func canon(raw json.RawMessage) json.RawMessage {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	b, _ := json.Marshal(m)
	return b
}

func (f *fake) push(w http.ResponseWriter, r *http.Request, caller string) {
	var in struct {
		Changes []struct {
			Type   string          `json:"type"`
			Op     string          `json:"op"`
			Record json.RawMessage `json:"record"`
		} `json:"changes"`
	}
	if json.NewDecoder(r.Body).Decode(&in) != nil || len(in.Changes) > 500 {
		fail(w, 400, "bad_request")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	results := []PushResult{}
	for _, ch := range in.Changes {
		var rec struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(ch.Record, &rec)
		results = append(results, f.upsert(caller, ch.Type, rec.ID, canon(ch.Record)))
	}
	writeJSON(w, 200, map[string]any{"results": results, "server_time": "2024-05-21T09:30:00Z"})
}

// upsert stores one pushed record idempotently on its id.
func (f *fake) upsert(caller, typ, id string, body json.RawMessage) PushResult {
	store := f.records[typ]
	res := PushResult{Type: typ, ID: id, Version: 1}
	switch old, ok := f.records[typ][id]; {
	case store == nil || id == "" || body == nil:
		res.Status = "invalid"
	case ok && bytes.Equal(old.body, body):
		res.Status = "unchanged"
	case ok:
		res.Status = "conflict"
	default:
		res.Status = "created"
		if f.loseEvery > 0 && (len(f.changes)+1)%f.loseEvery == 0 {
			f.changes = append(f.changes, fChange{owner: "lost"})
			return res
		}
		store[id] = fRec{owner: caller, body: body, version: 1}
		f.order[typ] = append(f.order[typ], id)
		f.changes = append(f.changes, fChange{owner: caller, typ: typ, body: body})
	}
	return res
}

// pull answers the caller's changes after the cursor (a position in the
// change log), at most limit of them.
func (f *fake) pull(w http.ResponseWriter, r *http.Request, caller string) {
	from, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	limit = min(max(limit, 1), 5) // small pages, so that has_more is exercised
	f.mu.Lock()
	defer f.mu.Unlock()
	changes := []Pulled{}
	pos := from
	for ; pos < len(f.changes) && len(changes) < limit; pos++ {
		if c := f.changes[pos]; c.owner == caller {
			changes = append(changes, Pulled{Type: c.typ, Op: "upsert", Record: c.body})
		}
	}
	writeJSON(w, 200, map[string]any{"changes": changes, "next_cursor": strconv.Itoa(pos), "has_more": pos < len(f.changes)})
}
