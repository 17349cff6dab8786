package handlers

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
)

// Sync serves the offline phones: push of queued changes and pull of the
// change log from an opaque cursor.
type Sync struct {
	d       Deps
	records *Records
	// SkewLimit is how far a push's device_time may be from the server's
	// clock before its visits are flagged device_clock_skew.
	SkewLimit time.Duration
}

// NewSync returns the sync handlers.
func NewSync(d Deps) *Sync {
	return &Sync{d: d, records: NewRecords(d.DB), SkewLimit: 10 * time.Minute}
}

// Register mounts the sync routes on the authenticated group.
func (h *Sync) Register(g *echo.Group) {
	g.GET("/sync/pull", h.Pull)
	g.POST("/sync/push", h.Push)
}

// SyncChange is one change a pull answers: the record's current state, or
// a tombstone {"id": …} when it was deleted (or left the caller's scope).
type SyncChange struct {
	Type   string `json:"type"`
	Op     string `json:"op"`
	Record any    `json:"record"`
}

// PullResponse is the answer of GET /sync/pull.
type PullResponse struct {
	Changes    []SyncChange `json:"changes"`
	NextCursor string       `json:"next_cursor"`
	HasMore    bool         `json:"has_more"`
}

const cursorPrefix = "c1:"

// syncCursor is a position in the change log: the seq of the last change
// the phone holds, and the mark of that change (changeMark), by which a
// pull tells that the log it was handed out from is the log it reads now.
// A database restored from a backup has lost the changes after the backup,
// and hands their seqs out again to other changes: a phone that pulled
// past the backup point would otherwise skip those. Cursors handed out
// before marks existed have none and are taken as they are.
type syncCursor struct {
	Seq  int64
	Mark string
}

// changeMark fingerprints the change at a seq: its record, operation and
// second. Another change given the same seq after a restore differs in
// one of them.
func changeMark(r *models.ChangeRow) string {
	sum := sha256.Sum256([]byte(r.RecordType + "\x00" + r.RecordID + "\x00" + r.Op + "\x00" + strconv.FormatInt(r.At.Unix(), 10)))
	return hex.EncodeToString(sum[:6])
}

// encodeSyncCursor makes the opaque cursor of a change-log position.
func encodeSyncCursor(c syncCursor) string {
	s := cursorPrefix + strconv.FormatInt(c.Seq, 10)
	if c.Mark != "" {
		s += "." + c.Mark
	}
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

// decodeSyncCursor reads a cursor; empty is the start of the log.
func decodeSyncCursor(s string) (syncCursor, error) {
	if s == "" {
		return syncCursor{}, nil
	}
	bad := apierr.BadRequest("cursor 无效", "invalid cursor")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return syncCursor{}, bad
	}
	rest, ok := strings.CutPrefix(string(b), cursorPrefix)
	if !ok {
		return syncCursor{}, bad
	}
	seq, mark, _ := strings.Cut(rest, ".")
	n, err := strconv.ParseInt(seq, 10, 64)
	if err != nil || n < 0 || len(mark) > 32 {
		return syncCursor{}, bad
	}
	if _, err := hex.DecodeString(mark); err != nil {
		return syncCursor{}, bad
	}
	return syncCursor{Seq: n, Mark: mark}, nil
}

// pullLimit reads ?limit= for pull: default 100, at most 500.
func pullLimit(c echo.Context) (int, error) {
	s := c.QueryParam("limit")
	if s == "" {
		return 100, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 500 {
		return 0, apierr.BadRequest("limit 须为 1 到 500 的整数", "limit must be an integer from 1 to 500")
	}
	return n, nil
}
