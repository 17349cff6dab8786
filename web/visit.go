package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/handlers"
	"github.com/tepai/tepai/models"
)

// visitData is the visit page: the record, where, who, its photos, its
// evidence flags in words and its history.
type visitData struct {
	visitRow
	Village *models.Region
	Flags   []string
	Audit   []auditRow
	ShowLog bool
}

// auditRow is one audit entry with the fields it changed.
type auditRow struct {
	models.AuditLine
	Changed []string
}

// visit shows one visit the caller may see (404 otherwise), through the
// API's record service.
func (w *Console) visit(c echo.Context, v *view) error {
	v.Nav = "activity"
	ctx, p := c.Request().Context(), v.User
	rec, err := w.records.Read(ctx, p, handlers.TypeVisit, c.Param("id"))
	if err != nil {
		return err
	}
	rows, err := w.visitRows(ctx, p, []models.Record{rec})
	if err != nil {
		return err
	}
	d := visitData{visitRow: rows[0]}
	if d.Village, err = w.d.DB.GetRegion(ctx, d.VillageCode); err != nil {
		return err
	}
	for _, f := range d.Visit.Flags {
		d.Flags = append(d.Flags, v.T("flag_"+f))
	}
	if p.Role == models.RoleAdmin || p.Role == models.RoleBureau {
		d.ShowLog = true
		scope := ""
		if p.Role == models.RoleBureau {
			scope = p.RegionCode
		}
		lines, err := w.d.DB.AuditTrail(ctx, handlers.TypeVisit, d.ID, scope, 0, 100)
		if err != nil {
			return err
		}
		for _, l := range lines {
			d.Audit = append(d.Audit, auditRow{AuditLine: l, Changed: changedFields(l.BeforeJSON, l.AfterJSON)})
		}
	}
	v.Title = d.Village.Name + " · " + formatTime(d.StartedAt)
	return w.render(c, http.StatusOK, "visit", v.with(d))
}

// changedFields lists the fields an update changed, "field: before → after",
// leaving out the bookkeeping ones.
func changedFields(before, after *string) []string {
	if before == nil || after == nil {
		return nil
	}
	var b, a map[string]any
	if json.Unmarshal([]byte(*before), &b) != nil || json.Unmarshal([]byte(*after), &a) != nil {
		return nil
	}
	var out []string
	for k, av := range a {
		switch k {
		case "version", "updated_at", "created_at", "received_at":
			continue
		}
		bs, as := fmt.Sprint(b[k]), fmt.Sprint(av)
		if bs != as {
			out = append(out, k+": "+bs+" → "+as)
		}
	}
	sort.Strings(out)
	return out
}
