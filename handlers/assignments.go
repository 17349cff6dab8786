package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
)

// Assignments links commissioners and teams to villages.
type Assignments struct{ d Deps }

// NewAssignments returns the assignment handlers.
func NewAssignments(d Deps) *Assignments { return &Assignments{d: d} }

// Register mounts the assignment routes.
func (h *Assignments) Register(g *echo.Group) {
	g.POST("/assignments", h.create)
	g.GET("/assignments", h.list)
	g.DELETE("/assignments/:id", h.delete)
}

type assignmentRequest struct {
	CommissionerID string `json:"commissioner_id"`
	TeamID         string `json:"team_id"`
	VillageCode    string `json:"village_code"`
	StartDate      string `json:"start_date"`
	EndDate        string `json:"end_date"`
}

// create assigns a commissioner or a team to a village of the caller's
// region (admins; bureaus inside their subtree).
func (h *Assignments) create(c echo.Context) error {
	p := Caller(c)
	if p.Role != models.RoleAdmin && p.Role != models.RoleBureau {
		return apierr.Forbidden()
	}
	var in assignmentRequest
	if err := BindJSON(c, &in); err != nil {
		return err
	}
	a := models.Assignment{CommissionerID: in.CommissionerID, TeamID: in.TeamID, VillageCode: in.VillageCode,
		StartDate: in.StartDate, EndDate: in.EndDate}
	if err := h.Assign(c, &a); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, a)
}

// Check refuses an assignment the caller may not make (403) or that is
// invalid (422), before anything is stored; the web console checks every
// village of a bulk assignment with it first.
func (h *Assignments) Check(c echo.Context, a *models.Assignment) error {
	p := Caller(c)
	if p.Role != models.RoleAdmin && p.Role != models.RoleBureau {
		return apierr.Forbidden()
	}
	a.VillageCode = strings.TrimSpace(a.VillageCode)
	in := assignmentRequest{CommissionerID: a.CommissionerID, TeamID: a.TeamID, VillageCode: a.VillageCode,
		StartDate: a.StartDate, EndDate: a.EndDate}
	if err := h.validate(c, in); err != nil {
		return err
	}
	if !p.ManagesPeopleIn(in.VillageCode) {
		return apierr.Forbidden()
	}
	return nil
}

// Assign checks an assignment and stores it with its change.
func (h *Assignments) Assign(c echo.Context, a *models.Assignment) error {
	if err := h.Check(c, a); err != nil {
		return err
	}
	return h.d.DB.CreateAssignment(c.Request().Context(), Caller(c), RequestID(c), a)
}

// AssignAll checks every assignment of as and stores them all in one
// transaction, or none when one is refused.
func (h *Assignments) AssignAll(c echo.Context, as []models.Assignment) error {
	ptrs := make([]*models.Assignment, len(as))
	for i := range as {
		if err := h.Check(c, &as[i]); err != nil {
			return err
		}
		ptrs[i] = &as[i]
	}
	return h.d.DB.CreateAssignments(c.Request().Context(), Caller(c), RequestID(c), ptrs)
}

func (h *Assignments) validate(c echo.Context, in assignmentRequest) error {
	ctx := c.Request().Context()
	var f apierr.Fields
	checkRegionField(ctx, h.d.DB, &f, "village_code", in.VillageCode, models.LevelVillage)
	if !isCalendarDate(in.StartDate) {
		f.Add("start_date", "日期格式须为 YYYY-MM-DD", "must be a date YYYY-MM-DD")
	}
	if in.EndDate != "" && !isCalendarDate(in.EndDate) {
		f.Add("end_date", "日期格式须为 YYYY-MM-DD", "must be a date YYYY-MM-DD")
	} else if in.EndDate != "" && !f.Has("start_date") && in.EndDate < in.StartDate {
		f.Add("end_date", "不能早于 start_date", "must not be before start_date")
	}
	switch {
	case (in.CommissionerID == "") == (in.TeamID == ""):
		f.Add("commissioner_id", "commissioner_id 与 team_id 须且只须提供一个", "give exactly one of commissioner_id and team_id")
	case in.CommissionerID != "":
		n, err := h.d.DB.CountVisibleCommissioners(ctx, Caller(c), []string{in.CommissionerID})
		if err != nil {
			return err
		}
		if n == 0 {
			f.Add("commissioner_id", "特派员不存在或无权查看", "no such commissioner in your scope")
		}
	default:
		ok, err := h.d.DB.TeamVisible(ctx, Caller(c), in.TeamID)
		if err != nil {
			return err
		}
		if !ok {
			f.Add("team_id", "团队不存在或无权查看", "no such team in your scope")
		}
	}
	return f.Err()
}

// list answers the live assignments the caller may see.
func (h *Assignments) list(c echo.Context) error {
	region, err := regionFilter(c)
	if err != nil {
		return err
	}
	after, limit, err := idPage(c)
	if err != nil {
		return err
	}
	f := models.AssignmentFilter{Region: region, CommissionerID: c.QueryParam("commissioner_id")}
	items, next, err := h.d.DB.ListAssignments(c.Request().Context(), Caller(c), f, after, limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, List[models.Assignment]{Items: items, NextCursor: idCursor(next)})
}

// delete ends an assignment (soft delete); outside the caller's scope it
// is 404.
func (h *Assignments) delete(c echo.Context) error {
	p := Caller(c)
	if p.Role != models.RoleAdmin && p.Role != models.RoleBureau {
		return apierr.Forbidden()
	}
	if err := h.d.DB.DeleteAssignment(c.Request().Context(), p, RequestID(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
