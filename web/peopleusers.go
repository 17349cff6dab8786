package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/handlers"
	"github.com/tepai/tepai/models"
)

// usersPerPage is how many users the people page lists at once.
const usersPerPage = 200

// userRow is a user of the people page and what the caller may do to it.
type userRow struct {
	models.User
	Manage bool // reset its password, disable or enable it
	Self   bool // the caller, which uses the password page instead
}

// temporaryShown is the temporary password a reset gave, shown once.
type temporaryShown struct {
	Name, Phone, Password string
}

// userRows fills the people page's users: those of region code the
// caller sees, narrowed by the page's q and role, through the API's own
// list (GET /users).
func (w *Console) userRows(c echo.Context, p *models.Principal, code string, d *peopleData) error {
	d.Filter = models.UserFilter{Q: strings.TrimSpace(c.QueryParam("q")), Role: c.QueryParam("role"), Region: code}
	if err := handlers.CheckUserFilter(d.Filter); err != nil {
		return err
	}
	users, next, err := w.d.DB.ListUsers(c.Request().Context(), p, d.Filter, c.QueryParam("after"), usersPerPage)
	if err != nil {
		return err
	}
	manager := p.Role == models.RoleAdmin || p.Role == models.RoleBureau
	for _, u := range users {
		d.Users = append(d.Users, userRow{User: u, Self: u.ID == p.UserID,
			Manage: manager && (u.Role != models.RoleAdmin || p.Role == models.RoleAdmin)})
	}
	if next != "" {
		d.MoreUsers = url.Values{"region": {code}, "q": {d.Filter.Q}, "role": {d.Filter.Role}, "after": {next}}.Encode()
	}
	return nil
}

// resetPassword gives a user a temporary password with the API's own
// reset (POST /users/{id}/reset-password) and shows it once, on the
// answer to the form only.
func (w *Console) resetPassword(c echo.Context, v *view) error {
	pw, err := w.users.ResetPassword(c, c.Param("id"))
	if err != nil {
		return err
	}
	u, err := w.d.DB.GetUser(c.Request().Context(), handlers.NormalizeID(c.Param("id")))
	if err != nil {
		return err
	}
	return w.peoplePageWith(c, v, &temporaryShown{Name: u.Name, Phone: u.Phone, Password: pw})
}

func (w *Console) disableUser(c echo.Context, v *view) error { return w.setActive(c, v, false) }

func (w *Console) enableUser(c echo.Context, v *view) error { return w.setActive(c, v, true) }

// setActive disables (ending its logins at once) or enables a user with
// the API's own code (POST /users/{id}/disable and /enable) and returns
// to the people page.
func (w *Console) setActive(c echo.Context, v *view, active bool) error {
	if _, err := w.users.SetActive(c, c.Param("id"), active); err != nil {
		return err
	}
	q := url.Values{"region": {c.QueryParam("region")}, "q": {c.QueryParam("q")}, "role": {c.QueryParam("role")}}
	return c.Redirect(http.StatusSeeOther, "/people?"+q.Encode())
}
