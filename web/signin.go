package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
)

// loginData is what the sign-in form shows again after a failed attempt.
type loginData struct {
	Phone, Next, Message string
}

// loginForm shows the sign-in form; a signed-in user goes straight on.
func (w *Console) loginForm(c echo.Context, v *view) error {
	next := safeNext(c.QueryParam("next"))
	if v.User != nil {
		return c.Redirect(http.StatusSeeOther, w.landing(v.User, next))
	}
	v.Title, v.Data = v.T("signin"), loginData{Next: next}
	return w.render(c, http.StatusOK, "login", v)
}

// login signs in through the API's own login (the same checks and
// limits), keeps the session's refresh token in the session cookie and
// goes on to the page asked for or the caller's landing page.
func (w *Console) login(c echo.Context, v *view) error {
	data := loginData{Phone: strings.TrimSpace(c.FormValue("phone")), Next: safeNext(c.FormValue("next"))}
	g, err := w.auth.SignIn(c.Request().Context(), data.Phone, c.FormValue("password"), c.RealIP())
	if err != nil {
		e, ok := apierr.As(err)
		if !ok {
			return err
		}
		for k, val := range e.Headers() {
			c.Response().Header().Set(k, val)
		}
		data.Message = e.Message(v.Lang)
		if e.Status == http.StatusUnprocessableEntity {
			data.Message = v.T("login_fill")
		}
		v.Title, v.Data = v.T("signin"), data
		return w.render(c, e.Status, "login", v)
	}
	setCookie(c, sessionCookie, g.RefreshToken, w.d.Config.RefreshTTL)
	setCookie(c, csrfCookie, "", -1)
	if g.User.MustChangePassword {
		return c.Redirect(http.StatusSeeOther, "/password")
	}
	p := &models.Principal{UserID: g.User.ID, Role: g.User.Role, RegionCode: g.User.RegionCode}
	if cm, err := w.d.DB.CommissionerOfUser(c.Request().Context(), g.User.ID); err == nil && cm != nil {
		p.CommissionerID = cm.ID
	}
	return c.Redirect(http.StatusSeeOther, w.landing(p, data.Next))
}

// landing is where a user goes after signing in: the page asked for, else
// coverage of its own region (its scorecard for a commissioner).
func (w *Console) landing(p *models.Principal, next string) string {
	if next != "" {
		return next
	}
	year := strconv.Itoa(time.Now().In(shanghai).Year())
	if p.Role == models.RoleCommissioner {
		return "/evaluations/" + year + "/commissioners/" + p.CommissionerID
	}
	return "/coverage?region=" + p.RegionCode + "&year=" + year
}

// safeNext keeps a return address only when it is a path of this console.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") || !Owns(strings.SplitN(next, "?", 2)[0]) {
		return ""
	}
	return next
}

// home sends a signed-in user to its landing page.
func (w *Console) home(c echo.Context, v *view) error {
	return c.Redirect(http.StatusSeeOther, w.landing(v.User, ""))
}

// logoutForm asks to confirm signing out (a GET changes nothing).
func (w *Console) logoutForm(c echo.Context, v *view) error {
	v.Title = v.T("signout")
	return w.render(c, http.StatusOK, "logout", v)
}

// logout ends the login for the API too (the session is revoked) and
// clears the cookie.
func (w *Console) logout(c echo.Context, v *view) error {
	if err := w.d.DB.RevokeSession(c.Request().Context(), v.User.SessionID, "logout"); err != nil {
		return err
	}
	setCookie(c, sessionCookie, "", -1)
	return c.Redirect(http.StatusSeeOther, "/login")
}

// setLang keeps the language chosen on the page in a cookie and returns to
// the page.
func (w *Console) setLang(c echo.Context, v *view) error {
	lang := c.FormValue("lang")
	if lang != "en" {
		lang = "zh"
	}
	setCookie(c, langCookie, lang, 365*24*time.Hour)
	next := safeNext(c.FormValue("next"))
	if next == "" {
		next = "/"
	}
	return c.Redirect(http.StatusSeeOther, next)
}
