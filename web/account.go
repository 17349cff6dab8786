package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
)

// passwordData is the password page: whether the password is a temporary
// one that must be changed first, and the outcome of the last attempt.
type passwordData struct {
	Forced  bool
	Done    bool
	Message string
}

// passwordPages are the console routes a login with a temporary password
// may open: the password page and signing out.
var passwordPages = map[string]bool{"/password": true, "/logout": true}

// temporaryPassword keeps a login whose password was reset on the
// password page: other pages send it there (a form is refused with 403),
// as the API refuses its token everywhere but GET /me and POST
// /me/password.
func (w *Console) temporaryPassword(c echo.Context, v *view) error {
	if !v.User.MustChangePassword || passwordPages[c.Path()] {
		return nil
	}
	if c.Request().Method == http.MethodGet {
		return c.Redirect(http.StatusSeeOther, "/password")
	}
	return apierr.ForbiddenMsg("请先修改临时密码", "change the temporary password first")
}

// passwordForm shows the form that changes the caller's password.
func (w *Console) passwordForm(c echo.Context, v *view) error {
	d := passwordData{Forced: v.User.MustChangePassword, Done: c.QueryParam("done") != ""}
	return w.passwordPage(c, v, http.StatusOK, d)
}

func (w *Console) passwordPage(c echo.Context, v *view, status int, d passwordData) error {
	v.Title, v.Data = v.T("change_password"), d
	return w.render(c, status, "password", v)
}

// changePassword changes the caller's password with the API's own code
// (its rules, messages and limits; the caller's other logins end, this
// one stays) and goes to the caller's landing page after a forced change,
// else back to the form with a confirmation.
func (w *Console) changePassword(c echo.Context, v *view) error {
	d := passwordData{Forced: v.User.MustChangePassword}
	if c.FormValue("new_password") != c.FormValue("confirm_password") {
		d.Message = v.T("password_mismatch")
		return w.passwordPage(c, v, http.StatusUnprocessableEntity, d)
	}
	err := w.me.ChangePassword(c, c.FormValue("current_password"), c.FormValue("new_password"))
	if e, ok := apierr.As(err); ok {
		for k, val := range e.Headers() {
			c.Response().Header().Set(k, val)
		}
		d.Message = messageOf(e, v.Lang)
		return w.passwordPage(c, v, e.Status, d)
	}
	if err != nil {
		return err
	}
	if d.Forced {
		return c.Redirect(http.StatusSeeOther, w.landing(v.User, ""))
	}
	return c.Redirect(http.StatusSeeOther, "/password?done=1")
}

// messageOf is an API error's message followed by what each refused field
// needs, in lang.
func messageOf(e *apierr.Error, lang string) string {
	msg := e.Message(lang)
	for _, d := range e.Details {
		if lang == "en" {
			msg += "; " + d.Field + ": " + d.EN
		} else {
			msg += "；" + d.Field + "：" + d.ZH
		}
	}
	return msg
}
