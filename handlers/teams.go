package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
)

// Teams manages commissioner service teams (服务团/团队特派员).
type Teams struct{ d Deps }

// NewTeams returns the team handlers.
func NewTeams(d Deps) *Teams { return &Teams{d: d} }

// Register mounts the team routes.
func (h *Teams) Register(g *echo.Group) {
	g.POST("/teams", h.create)
	g.GET("/teams", h.list)
}

type teamRequest struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	RegionCode string   `json:"region_code"`
	ChiefIDs   []string `json:"chief_ids"`
	MemberIDs  []string `json:"member_ids"`
}

// create makes a team of one or two chiefs and its members, all
// commissioners the caller can see (admins; bureaus inside their subtree).
func (h *Teams) create(c echo.Context) error {
	p := Caller(c)
	if p.Role != models.RoleAdmin && p.Role != models.RoleBureau {
		return apierr.Forbidden()
	}
	var in teamRequest
	if err := BindJSON(c, &in); err != nil {
		return err
	}
	in.Name, in.RegionCode = strings.TrimSpace(in.Name), strings.TrimSpace(in.RegionCode)
	if err := h.validate(c, &in); err != nil {
		return err
	}
	if !p.ManagesPeopleIn(in.RegionCode) {
		return apierr.Forbidden()
	}
	t := models.Team{ID: NormalizeID(in.ID), Name: in.Name, RegionCode: in.RegionCode}
	view, created, err := h.d.DB.CreateTeam(c.Request().Context(), &t, in.ChiefIDs, in.MemberIDs)
	if err != nil {
		return err
	}
	if !created {
		return c.JSON(http.StatusOK, view)
	}
	return c.JSON(http.StatusCreated, view)
}

func (h *Teams) validate(c echo.Context, in *teamRequest) error {
	var f apierr.Fields
	if in.ID != "" && !isUUID(NormalizeID(in.ID)) {
		f.Add("id", "id 须为 UUID", "id must be a UUID")
	}
	checkName(&f, "name", &in.Name, true, 100)
	checkRegionField(c.Request().Context(), h.d.DB, &f, "region_code", in.RegionCode, anyRegionLevel...)
	if n := len(in.ChiefIDs); n < 1 || n > 2 || n == 2 && in.ChiefIDs[0] == in.ChiefIDs[1] {
		f.Add("chief_ids", "须有 1 到 2 名首席", "must name one or two chiefs")
	} else if err := h.checkVisible(c, &f, "chief_ids", in.ChiefIDs); err != nil {
		return err
	}
	if len(in.MemberIDs) > 100 {
		f.Add("member_ids", "成员过多", "too many members")
	} else if err := h.checkVisible(c, &f, "member_ids", in.MemberIDs); err != nil {
		return err
	}
	return f.Err()
}

// checkVisible adds a failure for field unless every id names a
// commissioner the caller can see.
func (h *Teams) checkVisible(c echo.Context, f *apierr.Fields, field string, ids []string) error {
	distinct := map[string]bool{}
	for _, id := range ids {
		distinct[id] = true
	}
	if len(distinct) == 0 {
		return nil
	}
	n, err := h.d.DB.CountVisibleCommissioners(c.Request().Context(), Caller(c), ids)
	if err != nil {
		return err
	}
	if n != len(distinct) {
		f.Add(field, "含有不存在或无权查看的特派员", "names a commissioner that does not exist or is outside your scope")
	}
	return nil
}

// list answers the teams the caller may see, with their members.
func (h *Teams) list(c echo.Context) error {
	region, err := regionFilter(c)
	if err != nil {
		return err
	}
	after, limit, err := idPage(c)
	if err != nil {
		return err
	}
	items, next, err := h.d.DB.ListTeams(c.Request().Context(), Caller(c), region, after, limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, List[models.TeamView]{Items: items, NextCursor: idCursor(next)})
}
