package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/models"
)

// Me answers who the caller is.
type Me struct{ d Deps }

// NewMe returns the /me handlers.
func NewMe(d Deps) *Me { return &Me{d: d} }

// Register mounts GET /me.
func (h *Me) Register(g *echo.Group) {
	g.GET("/me", h.get)
}

// meResponse is the caller's user, with its commissioner profile when it
// has one.
type meResponse struct {
	models.User
	Commissioner *models.Commissioner `json:"commissioner,omitempty"`
}

func (h *Me) get(c echo.Context) error {
	ctx := c.Request().Context()
	p := Caller(c)
	u, err := h.d.DB.GetUser(ctx, p.UserID)
	if err != nil {
		return err
	}
	out := meResponse{User: *u}
	if out.Commissioner, err = h.d.DB.CommissionerOfUser(ctx, p.UserID); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}
