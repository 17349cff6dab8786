package handlers

import (
	"encoding/base64"
	"encoding/json"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
)

// AuditHandlers serves the audit trail: who changed which record, when,
// from what to what.
type AuditHandlers struct {
	db *models.DB
}

// NewAudit returns the audit trail handlers.
func NewAudit(d Deps) *AuditHandlers { return &AuditHandlers{db: d.DB} }

// Register mounts GET /audit on g.
func (h *AuditHandlers) Register(g *echo.Group) {
	g.GET("/audit", h.list)
}

// auditTypes are the record types the audit trail knows.
var auditTypes = []string{"region", "assignment", TypeVisit, TypeTraining, TypePlot, TypePlotObservation,
	TypeHarvest, TypeHousehold, TypeIncome, TypeProject, TypeDemand, "photo", "user"}

// AuditItem is one entry of the audit trail as the API answers it, with
// the record before and after the change (null on create and delete).
type AuditItem struct {
	models.AuditLine
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
}

// list answers GET /audit?type=&id= (bureau and admin): the entries of one
// record, oldest first; a bureau sees those of records in its region.
func (h *AuditHandlers) list(c echo.Context) error {
	p := Caller(c)
	if p.Role != models.RoleAdmin && p.Role != models.RoleBureau {
		return apierr.Forbidden()
	}
	typ, id := c.QueryParam("type"), c.QueryParam("id")
	if !contains(auditTypes, typ) || id == "" {
		return apierr.BadRequest("须提供有效的 type 与 id", "a valid type and an id are required")
	}
	page, after, err := parseAuditPage(c)
	if err != nil {
		return err
	}
	scope := ""
	if p.Role == models.RoleBureau {
		scope = p.RegionCode
	}
	lines, err := h.db.AuditTrail(c.Request().Context(), typ, id, scope, after, page.Limit+1)
	if err != nil {
		return err
	}
	out := List[AuditItem]{Items: make([]AuditItem, 0, len(lines))}
	if len(lines) > page.Limit {
		lines = lines[:page.Limit]
		out.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(lines[len(lines)-1].ID, 10)))
	}
	for _, l := range lines {
		out.Items = append(out.Items, AuditItem{AuditLine: l, Before: rawOrNull(l.BeforeJSON), After: rawOrNull(l.AfterJSON)})
	}
	return c.JSON(200, out)
}

// parseAuditPage reads the page size and the entry id the page follows.
func parseAuditPage(c echo.Context) (Page, int64, error) {
	page, err := ParsePage(c)
	if err != nil {
		return page, 0, err
	}
	after, ok := decodeAuditCursor(page.Cursor)
	if !ok {
		return page, 0, apierr.BadRequest("cursor 无效", "invalid cursor")
	}
	return page, after, nil
}

// decodeAuditCursor reads the id after which a page starts ("" is 0).
func decodeAuditCursor(s string) (int64, bool) {
	if s == "" {
		return 0, true
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	return n, err == nil && n > 0
}

// rawOrNull is stored JSON as a raw message, null when there is none.
func rawOrNull(s *string) json.RawMessage {
	if s == nil || *s == "" {
		return json.RawMessage("null")
	}
	return json.RawMessage(*s)
}
