package handlers

import (
	"context"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/models"
)

// Pull answers GET /sync/pull: what the caller may see that changed after
// the cursor, up to the change log's watermark. Seqs are handed out in
// commit order, so a change committed later always lands above the
// cursor and is never skipped (see models/synclog.go). A cursor the log
// does not hold (a seq beyond its head, or another change at its seq: the
// database was restored from a backup taken before the phone's last pull)
// starts the phone's pull again from the beginning, so that nothing the
// restored log hands out under the old seqs is skipped; the phone keeps
// the newest version of each record it is sent again.
func (h *Sync) Pull(c echo.Context) error {
	ctx := c.Request().Context()
	limit, err := pullLimit(c)
	if err != nil {
		return err
	}
	after, err := decodeSyncCursor(c.QueryParam("cursor"))
	if err != nil {
		return err
	}
	scope, err := h.d.DB.PullScopeOf(ctx, Caller(c))
	if err != nil {
		return err
	}
	upto, err := h.d.DB.Watermark(ctx)
	if err != nil {
		return err
	}
	if after, err = h.held(ctx, after, upto); err != nil {
		return err
	}
	resp := PullResponse{Changes: []SyncChange{}, NextCursor: encodeSyncCursor(after)}
	if after.Seq >= upto {
		return c.JSON(http.StatusOK, resp)
	}
	rows, err := h.d.DB.ChangesIn(ctx, scope, after.Seq, upto, limit+1)
	if err != nil {
		return err
	}
	if len(rows) > limit {
		rows = rows[:limit]
		last := &rows[limit-1]
		resp.NextCursor, resp.HasMore = encodeSyncCursor(syncCursor{Seq: last.Seq, Mark: changeMark(last)}), true
	} else if resp.NextCursor, err = h.cursorAt(ctx, upto); err != nil {
		return err
	}
	if resp.Changes, err = h.bodies(c, scope, latestPerRecord(rows)); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, resp)
}

// held returns the cursor when the change log holds it, else the start of
// the log: a seq beyond the head, or a mark that is not the one of the
// change at its seq.
func (h *Sync) held(ctx context.Context, cur syncCursor, upto int64) (syncCursor, error) {
	switch {
	case cur.Seq == 0:
		return cur, nil
	case cur.Seq > upto:
		return syncCursor{}, nil
	case cur.Mark == "":
		return cur, nil
	}
	row, err := h.d.DB.ChangeAt(ctx, cur.Seq)
	if err != nil {
		return cur, err
	}
	if row == nil || changeMark(row) != cur.Mark {
		return syncCursor{}, nil
	}
	return cur, nil
}

// cursorAt is the cursor of seq, with the mark of the change there.
func (h *Sync) cursorAt(ctx context.Context, seq int64) (string, error) {
	if seq == 0 {
		return encodeSyncCursor(syncCursor{}), nil
	}
	row, err := h.d.DB.ChangeAt(ctx, seq)
	if err != nil || row == nil {
		return encodeSyncCursor(syncCursor{Seq: seq}), err
	}
	return encodeSyncCursor(syncCursor{Seq: seq, Mark: changeMark(row)}), nil
}

// latestPerRecord keeps the last change of each record, in seq order.
func latestPerRecord(rows []models.ChangeRow) []models.ChangeRow {
	last := map[[2]string]int{}
	for i, r := range rows {
		last[[2]string{r.RecordType, r.RecordID}] = i
	}
	out := make([]models.ChangeRow, 0, len(last))
	for i, r := range rows {
		if last[[2]string{r.RecordType, r.RecordID}] == i {
			out = append(out, r)
		}
	}
	return out
}

// bodies turns change rows into changes carrying each record's current
// state, loading the records with one query per type. A record deleted
// since, or no longer in the caller's scope, goes as a tombstone.
func (h *Sync) bodies(c echo.Context, scope models.PullScope, rows []models.ChangeRow) ([]SyncChange, error) {
	ctx := c.Request().Context()
	ids := map[string][]string{}
	for _, r := range rows {
		if r.Op != "delete" {
			ids[r.RecordType] = append(ids[r.RecordType], r.RecordID)
		}
	}
	current := map[string]map[string]any{}
	for typ, list := range ids {
		recs, ok, err := h.d.DB.LoadCurrent(ctx, typ, list)
		if err != nil {
			return nil, err
		}
		if !ok {
			Logger(c).Warn("sync pull: record type without a loader", "type", typ)
			continue
		}
		current[typ] = recs
	}
	out := make([]SyncChange, 0, len(rows))
	for _, r := range rows {
		recs, known := current[r.RecordType]
		if r.Op != "delete" && !known {
			continue
		}
		rec, ok := recs[r.RecordID]
		if !ok || !visible(scope, r, rec) {
			out = append(out, SyncChange{Type: r.RecordType, Op: "delete", Record: map[string]string{"id": r.RecordID}})
			continue
		}
		out = append(out, SyncChange{Type: r.RecordType, Op: "upsert", Record: rec})
	}
	return out, h.render(ctx, out)
}

// render puts the upserted records as their GET endpoints answer them:
// field records through RecordJSON, photos with their urls (one query
// for their thumbnails).
func (h *Sync) render(ctx context.Context, changes []SyncChange) error {
	var photos []*models.Photo
	var at []int
	for i, ch := range changes {
		switch rec := ch.Record.(type) {
		case *models.Photo:
			photos, at = append(photos, rec), append(at, i)
		case models.Record:
			changes[i].Record = RecordJSON(ch.Type, rec)
		}
	}
	if len(photos) == 0 {
		return nil
	}
	rendered, err := renderPhotos(ctx, h.d.DB, photos)
	if err != nil {
		return err
	}
	for j, i := range at {
		changes[i].Record = rendered[j]
	}
	return nil
}

// visible re-checks a record's current owner or region against the scope
// that pulled its change (a record may have moved since).
func visible(s models.PullScope, row models.ChangeRow, rec any) bool {
	owner, region := models.RecordScope(rec)
	switch {
	case s.All:
		return true
	case s.CommissionerID == "":
		if region == "" {
			region = row.RegionCode
		}
		return (&models.Principal{Role: models.RoleBureau, RegionCode: s.Region}).Sees(region)
	case row.RecordType == "region":
		return true
	}
	if a, ok := rec.(*models.Assignment); ok && a.TeamID != "" {
		return slices.Contains(s.TeamIDs, a.TeamID)
	}
	return owner == s.CommissionerID
}
