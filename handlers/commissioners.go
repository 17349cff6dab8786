package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/auth"
	"github.com/tepai/tepai/models"
)

// Commissioners manages commissioners (科技特派员) and their logins.
type Commissioners struct{ d Deps }

// NewCommissioners returns the commissioner handlers.
func NewCommissioners(d Deps) *Commissioners { return &Commissioners{d: d} }

// Register mounts the commissioner routes.
func (h *Commissioners) Register(g *echo.Group) {
	g.POST("/commissioners", h.create)
	g.GET("/commissioners", h.list)
	g.GET("/commissioners/:id", h.get)
	g.PATCH("/commissioners/:id", h.patch)
}

type commissionerRequest struct {
	Name         string `json:"name"`
	Phone        string `json:"phone"`
	Password     string `json:"password"`
	Level        string `json:"level"`
	Organization string `json:"organization"`
	Specialty    string `json:"specialty"`
	Batch        string `json:"batch"`
	TermStart    string `json:"term_start"`
	TermEnd      string `json:"term_end"`
	RegionCode   string `json:"region_code"`
}

// anyRegionLevel are the levels a commissioner's home region or a team's
// region may have.
var anyRegionLevel = []string{models.LevelProvince, models.LevelCity, models.LevelCounty, models.LevelTownship, models.LevelVillage}

// create makes a commissioner and its login (admins; bureaus inside their
// subtree).
func (h *Commissioners) create(c echo.Context) error {
	p := Caller(c)
	if p.Role != models.RoleAdmin && p.Role != models.RoleBureau {
		return apierr.Forbidden()
	}
	var in commissionerRequest
	if err := BindJSON(c, &in); err != nil {
		return err
	}
	in.Phone, in.Name, in.RegionCode = strings.TrimSpace(in.Phone), strings.TrimSpace(in.Name), strings.TrimSpace(in.RegionCode)
	var f apierr.Fields
	checkNewLogin(&f, in.Phone, in.Password, &in.Name)
	cm := models.Commissioner{Level: in.Level, Organization: in.Organization, Specialty: in.Specialty, Batch: in.Batch,
		TermStart: in.TermStart, TermEnd: in.TermEnd, RegionCode: in.RegionCode}
	checkProfile(c, h.d.DB, &f, &cm)
	if err := f.Err(); err != nil {
		return err
	}
	if !p.ManagesPeopleIn(in.RegionCode) {
		return apierr.Forbidden()
	}
	hash, err := auth.HashPassword(in.Password, h.d.Config.BcryptCost)
	if err != nil {
		return err
	}
	u := models.User{Phone: in.Phone, PasswordHash: hash, Name: in.Name, RegionCode: in.RegionCode}
	if err := h.d.DB.CreateCommissioner(c.Request().Context(), &u, &cm); err != nil {
		if errors.Is(err, models.ErrDuplicatePhone) {
			return duplicatePhone()
		}
		return err
	}
	return c.JSON(http.StatusCreated, cm)
}

// checkProfile validates the profile fields of a commissioner.
func checkProfile(c echo.Context, db *models.DB, f *apierr.Fields, cm *models.Commissioner) {
	switch cm.Level {
	case models.CommissionerProvince, models.CommissionerCity, models.CommissionerCounty:
	default:
		f.Add("level", "须为 province、city 或 county", "must be province, city or county")
	}
	checkName(f, "organization", &cm.Organization, false, 100)
	checkName(f, "specialty", &cm.Specialty, false, 100)
	checkName(f, "batch", &cm.Batch, false, 50)
	for _, d := range [][2]string{{"term_start", cm.TermStart}, {"term_end", cm.TermEnd}} {
		if d[1] != "" && !isCalendarDate(d[1]) {
			f.Add(d[0], "日期格式须为 YYYY-MM-DD", "must be a date YYYY-MM-DD")
		}
	}
	if !f.Has("term_start") && !f.Has("term_end") && cm.TermStart != "" && cm.TermEnd != "" && cm.TermEnd < cm.TermStart {
		f.Add("term_end", "不能早于 term_start", "must not be before term_start")
	}
	checkRegionField(c.Request().Context(), db, f, "region_code", cm.RegionCode, anyRegionLevel...)
}

// list answers the commissioners the caller may see, by region and batch.
func (h *Commissioners) list(c echo.Context) error {
	region, err := regionFilter(c)
	if err != nil {
		return err
	}
	after, limit, err := idPage(c)
	if err != nil {
		return err
	}
	f := models.CommissionerFilter{Region: region, Batch: c.QueryParam("batch")}
	items, next, err := h.d.DB.ListCommissioners(c.Request().Context(), Caller(c), f, after, limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, List[models.Commissioner]{Items: items, NextCursor: idCursor(next)})
}

// get answers one commissioner with its version as ETag.
func (h *Commissioners) get(c echo.Context) error {
	cm, err := h.d.DB.GetCommissioner(c.Request().Context(), Caller(c), c.Param("id"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", strconv.Quote(strconv.Itoa(cm.Version)))
	return c.JSON(http.StatusOK, cm)
}

type commissionerPatch struct {
	Name         *string `json:"name"`
	Level        *string `json:"level"`
	Organization *string `json:"organization"`
	Specialty    *string `json:"specialty"`
	Batch        *string `json:"batch"`
	TermStart    *string `json:"term_start"`
	TermEnd      *string `json:"term_end"`
	RegionCode   *string `json:"region_code"`
	Version      *int    `json:"version"`
}

// patch changes a commissioner's profile (admins; bureaus for
// commissioners whose home region is in their subtree). A stale If-Match
// (or body version) is 412 with the stored commissioner.
func (h *Commissioners) patch(c echo.Context) error {
	p := Caller(c)
	if p.Role != models.RoleAdmin && p.Role != models.RoleBureau {
		return apierr.Forbidden()
	}
	var in commissionerPatch
	if err := BindJSON(c, &in); err != nil {
		return err
	}
	base, err := expectedVersion(c, in.Version)
	if err != nil {
		return err
	}
	cm, err := h.d.DB.UpdateCommissioner(c.Request().Context(), p, c.Param("id"), base, func(cm *models.Commissioner) error {
		if !p.ManagesPeopleIn(cm.RegionCode) {
			return apierr.Forbidden()
		}
		in.apply(cm)
		var f apierr.Fields
		checkName(&f, "name", &cm.Name, true, 50)
		checkProfile(c, h.d.DB, &f, cm)
		if err := f.Err(); err != nil {
			return err
		}
		if !p.ManagesPeopleIn(cm.RegionCode) {
			return apierr.Forbidden()
		}
		return nil
	})
	if errors.Is(err, models.ErrCommissionerStale) {
		return apierr.PreconditionFailed(cm)
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", strconv.Quote(strconv.Itoa(cm.Version)))
	return c.JSON(http.StatusOK, cm)
}

// apply copies the fields the patch sets onto cm.
func (in commissionerPatch) apply(cm *models.Commissioner) {
	for _, f := range []struct {
		from *string
		to   *string
	}{{in.Name, &cm.Name}, {in.Level, &cm.Level}, {in.Organization, &cm.Organization}, {in.Specialty, &cm.Specialty},
		{in.Batch, &cm.Batch}, {in.TermStart, &cm.TermStart}, {in.TermEnd, &cm.TermEnd}, {in.RegionCode, &cm.RegionCode}} {
		if f.from != nil {
			*f.to = strings.TrimSpace(*f.from)
		}
	}
}

// expectedVersion is the version a change is based on: If-Match ("3", W/"3"
// or 3) when sent, else the body's version, else 0 (any).
func expectedVersion(c echo.Context, body *int) (int, error) {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if h == "" {
		if body != nil {
			return *body, nil
		}
		return 0, nil
	}
	v, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(h, "W/"), `"`))
	if err != nil || v < 1 {
		return 0, apierr.BadRequest("If-Match 须为记录版本号", "If-Match must be a record version")
	}
	return v, nil
}
