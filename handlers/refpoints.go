package handlers

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/internal/bounds"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// ReferencePoints serves the villages' reference points, against which
// visits' GPS points are checked (the far_from_village flag).
type ReferencePoints struct{ d Deps }

// NewReferencePoints returns the reference point handlers.
func NewReferencePoints(d Deps) *ReferencePoints { return &ReferencePoints{d: d} }

// Register mounts the reference point routes on the authenticated group.
func (h *ReferencePoints) Register(g *echo.Group) {
	g.GET("/regions/:code/reference-point", h.Get)
	g.PUT("/regions/:code/reference-point", h.Put)
}

// RefPointResponse is a village's reference point and where it comes
// from: "bureau" (set by a bureau), "visits" (the median of Visits located
// visits) or "none" (no point yet: fewer than five located visits).
type RefPointResponse struct {
	Code      string     `json:"code"`
	Source    string     `json:"source"`
	Lat       *float64   `json:"lat"`
	Lng       *float64   `json:"lng"`
	Visits    int        `json:"visits,omitempty"`
	SetBy     string     `json:"set_by,omitempty"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

type refPointBody struct {
	Lat *float64 `json:"lat"`
	Lng *float64 `json:"lng"`
}

// Put sets a village's reference point (bureau and admin, in scope).
func (h *ReferencePoints) Put(c echo.Context) error {
	p := Caller(c)
	if p.Role != models.RoleBureau && p.Role != models.RoleAdmin {
		return apierr.Forbidden()
	}
	code, err := h.village(c)
	if err != nil {
		return err
	}
	if !p.Sees(code) {
		return apierr.Forbidden()
	}
	var body refPointBody
	if err := BindJSON(c, &body); err != nil {
		return err
	}
	var f apierr.Fields
	checkCoord(&f, "lat", body.Lat, bounds.MinLat, bounds.MaxLat)
	checkCoord(&f, "lng", body.Lng, bounds.MinLng, bounds.MaxLng)
	if err := f.Err(); err != nil {
		return err
	}
	rp := &models.ReferencePoint{Code: code, Lat: *body.Lat, Lng: *body.Lng}
	if err := h.d.DB.SetReferencePoint(c.Request().Context(), p, RequestID(c), rp); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, RefPointResponse{Code: code, Source: models.RefSourceBureau, Lat: &rp.Lat, Lng: &rp.Lng, SetBy: rp.SetBy, UpdatedAt: &rp.UpdatedAt})
}

// checkCoord requires v inside [lo, hi].
func checkCoord(f *apierr.Fields, field string, v *float64, lo, hi float64) {
	switch {
	case v == nil:
		f.Add(field, "必填", "required")
	case *v < lo || *v > hi:
		f.Add(field, "超出中国范围", "outside China's bounding box")
	}
}

// Get answers a village's reference point (anyone whose scope holds it).
func (h *ReferencePoints) Get(c echo.Context) error {
	code, err := h.village(c)
	if err != nil {
		return err
	}
	if !Caller(c).Sees(code) {
		return apierr.NotFound()
	}
	db := h.d.DB.WithContext(c.Request().Context())
	var set models.ReferencePoint
	if err := db.Where("code = ?", code).Limit(1).Find(&set).Error; err != nil {
		return err
	}
	if set.Code != "" {
		return c.JSON(http.StatusOK, RefPointResponse{Code: code, Source: models.RefSourceBureau, Lat: &set.Lat, Lng: &set.Lng, SetBy: set.SetBy, UpdatedAt: &set.UpdatedAt})
	}
	refs, err := models.RefPoints(db, []string{code}, nil)
	if err != nil {
		return err
	}
	ref, ok := refs[code]
	if !ok {
		return c.JSON(http.StatusOK, RefPointResponse{Code: code, Source: "none"})
	}
	return c.JSON(http.StatusOK, RefPointResponse{Code: code, Source: ref.Source, Lat: &ref.Lat, Lng: &ref.Lng, Visits: ref.Visits})
}

// village loads the path's region, which must be a village.
func (h *ReferencePoints) village(c echo.Context) (string, error) {
	r, err := h.d.DB.GetRegion(c.Request().Context(), c.Param("code"))
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", apierr.NotFound()
	}
	if err != nil {
		return "", err
	}
	if r.Level != models.LevelVillage {
		return "", apierr.Invalid("code", "须为村级区划", "must be a village")
	}
	return r.Code, nil
}
