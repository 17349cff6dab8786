package handlers

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
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

// encodeSyncCursor makes the opaque cursor of a change-log position.
func encodeSyncCursor(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(seq, 10)))
}

// decodeSyncCursor reads a cursor; empty is the start of the log.
func decodeSyncCursor(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	bad := apierr.BadRequest("cursor 无效", "invalid cursor")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, bad
	}
	rest, ok := strings.CutPrefix(string(b), cursorPrefix)
	if !ok {
		return 0, bad
	}
	n, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || n < 0 {
		return 0, bad
	}
	return n, nil
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
