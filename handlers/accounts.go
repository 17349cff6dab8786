package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/auth"
	"github.com/tepai/tepai/models"
)

// The account lifecycle: a user changes its own password; an admin, or a
// bureau for the users of its subtree, resets a forgotten password and
// disables or enables a login.

// passwordRuleZH and passwordRuleEN state the password rules, in every
// error about a password.
const (
	passwordRuleZH = "密码须为 8 到 72 个字符（按 UTF-8 字节计，一个汉字计 3 个），且不能与手机号相同"
	passwordRuleEN = "a password must have 8 to 72 characters (UTF-8 bytes: a Chinese character counts 3) and must not be the phone number"
)

// checkPassword adds a failure for field unless password follows the
// rules for the login of phone.
func checkPassword(f *apierr.Fields, field, password, phone string) {
	if len(password) < 8 || len(password) > 72 || password == phone {
		f.Add(field, passwordRuleZH, passwordRuleEN)
	}
}

// attribution names the caller and the request for the audit trail.
func attribution(c echo.Context) models.Attribution {
	return models.Attribution{Actor: Caller(c), RequestID: RequestID(c)}
}

// managedUser loads the user of the path that the caller may manage: the
// caller must be an admin or a bureau (403), the user in its scope (404),
// and only an admin manages an admin (403).
func (h *Users) managedUser(c echo.Context) (*models.User, error) {
	p := Caller(c)
	if p.Role != models.RoleAdmin && p.Role != models.RoleBureau {
		return nil, apierr.Forbidden()
	}
	u, err := h.d.DB.VisibleUser(c.Request().Context(), p, NormalizeID(c.Param("id")))
	if err != nil {
		return nil, err
	}
	if u.Role == models.RoleAdmin && p.Role != models.RoleAdmin {
		return nil, apierr.Forbidden()
	}
	return u, nil
}

type temporaryPasswordResponse struct {
	TemporaryPassword string `json:"temporary_password"`
}

// resetPassword gives a user a temporary password to be changed at its
// next login, and ends its logins.
func (h *Users) resetPassword(c echo.Context) error {
	u, err := h.managedUser(c)
	if err != nil {
		return err
	}
	pw, err := auth.TemporaryPassword()
	if err != nil {
		return err
	}
	hash, err := auth.HashPassword(pw, h.d.Config.BcryptCost)
	if err != nil {
		return err
	}
	if _, err := h.d.DB.ResetPassword(c.Request().Context(), u.ID, hash, attribution(c)); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, temporaryPasswordResponse{TemporaryPassword: pw})
}

func (h *Users) disable(c echo.Context) error { return h.setActive(c, false) }

func (h *Users) enable(c echo.Context) error { return h.setActive(c, true) }

// setActive disables (ending its logins at once) or enables a user; no
// one disables itself, so that the last admin cannot lock everyone out.
func (h *Users) setActive(c echo.Context, active bool) error {
	u, err := h.managedUser(c)
	if err != nil {
		return err
	}
	if !active && u.ID == Caller(c).UserID {
		return apierr.Conflict("不能停用自己的账号", "you cannot disable your own account")
	}
	u, err = h.d.DB.SetActive(c.Request().Context(), u.ID, active, attribution(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}
