package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/auth"
	"github.com/tepai/tepai/models"
)

// Me answers who the caller is.
type Me struct{ d Deps }

// NewMe returns the /me handlers.
func NewMe(d Deps) *Me { return &Me{d: d} }

// Register mounts GET /me and POST /me/password.
func (h *Me) Register(g *echo.Group) {
	g.GET("/me", h.get)
	g.POST("/me/password", h.changePassword)
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

type passwordChange struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// changePassword answers POST /me/password.
func (h *Me) changePassword(c echo.Context) error {
	var in passwordChange
	if err := BindJSON(c, &in); err != nil {
		return err
	}
	if err := h.ChangePassword(c, in.CurrentPassword, in.NewPassword); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// ChangePassword sets the caller's password after checking the current
// one, lifts a temporary password's restriction and ends the caller's
// other logins (this one stays). The console's password page calls it
// too, so both follow the same rules and limits.
func (h *Me) ChangePassword(c echo.Context, current, next string) error {
	ctx := c.Request().Context()
	p := Caller(c)
	u, err := h.d.DB.GetUser(ctx, p.UserID)
	if err != nil {
		return err
	}
	var f apierr.Fields
	checkText(&f, "current_password", current, true, 72)
	checkPassword(&f, "new_password", next, u.Phone)
	if err := f.Err(); err != nil {
		return err
	}
	// Wrong current passwords count like failed logins, so that a stolen
	// access token cannot be used to guess the password.
	win, err := h.d.DB.Hit(ctx, "password:user:"+u.ID, h.d.Config.LoginWindow)
	if err != nil {
		return err
	}
	if win.Hits > h.d.Config.LoginLimit {
		return apierr.RateLimited(max(time.Until(win.Ends), time.Second))
	}
	if !auth.CheckPassword(u.PasswordHash, current, h.d.Config.BcryptCost) {
		return apierr.Invalid("current_password", "当前密码错误", "the current password is wrong")
	}
	if next == current {
		return apierr.Invalid("new_password", "新密码不能与当前密码相同；"+passwordRuleZH, "the new password must differ from the current one; "+passwordRuleEN)
	}
	hash, err := auth.HashPassword(next, h.d.Config.BcryptCost)
	if err != nil {
		return err
	}
	if err := h.d.DB.ChangePassword(ctx, u.ID, p.SessionID, hash, attribution(c)); err != nil {
		return err
	}
	return h.d.DB.ClearHits(ctx, "password:user:"+u.ID)
}
