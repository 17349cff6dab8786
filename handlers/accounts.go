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

// managedUser loads user id for the caller to manage: the caller must be
// an admin or a bureau (403), the user in its scope (404), and only an
// admin manages an admin (403).
func (h *Users) managedUser(c echo.Context, id string) (*models.User, error) {
	p := Caller(c)
	if p.Role != models.RoleAdmin && p.Role != models.RoleBureau {
		return nil, apierr.Forbidden()
	}
	u, err := h.d.DB.VisibleUser(c.Request().Context(), p, NormalizeID(id))
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

// resetPassword answers POST /users/{id}/reset-password.
func (h *Users) resetPassword(c echo.Context) error {
	pw, err := h.ResetPassword(c, c.Param("id"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, temporaryPasswordResponse{TemporaryPassword: pw})
}

// ResetPassword gives user id, managed by the caller, a temporary
// password to be changed at its next login, ends its logins and returns
// the temporary password (for the API and the console's people page).
func (h *Users) ResetPassword(c echo.Context, id string) (string, error) {
	u, err := h.managedUser(c, id)
	if err != nil {
		return "", err
	}
	pw, err := auth.TemporaryPassword()
	if err != nil {
		return "", err
	}
	hash, err := auth.HashPassword(pw, h.d.Config.BcryptCost)
	if err != nil {
		return "", err
	}
	if _, err := h.d.DB.ResetPassword(c.Request().Context(), u.ID, hash, attribution(c)); err != nil {
		return "", err
	}
	return pw, nil
}

func (h *Users) disable(c echo.Context) error { return h.setActive(c, false) }

func (h *Users) enable(c echo.Context) error { return h.setActive(c, true) }

func (h *Users) setActive(c echo.Context, active bool) error {
	u, err := h.SetActive(c, c.Param("id"), active)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

// SetActive disables (ending its logins at once) or enables user id,
// managed by the caller; no one disables itself, so that the last admin
// cannot lock everyone out.
func (h *Users) SetActive(c echo.Context, id string, active bool) (*models.User, error) {
	u, err := h.managedUser(c, id)
	if err != nil {
		return nil, err
	}
	if !active && u.ID == Caller(c).UserID {
		return nil, apierr.Conflict("不能停用自己的账号", "you cannot disable your own account")
	}
	return h.d.DB.SetActive(c.Request().Context(), u.ID, active, attribution(c))
}
