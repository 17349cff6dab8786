package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
)

// peopleData is the people page: the commissioners, teams and assignments
// the caller sees in a region, and the form that assigns a township's
// villages at once.
type peopleData struct {
	Region        *models.Region
	Users         []userRow
	Filter        models.UserFilter
	MoreUsers     string // the users query of the next page, "" on the last
	Temporary     *temporaryShown
	Commissioners []models.Commissioner
	Teams         []models.TeamView
	Assignments   []assignmentRow
	Manage        bool
	Townships     []models.Region
	Township      *models.Region
	Villages      []models.Region
	Assignee      string
	Start, End    string
	Alert         string
	Done          string
}

// people shows who serves a region and lets bureaus assign villages.
func (w *Console) people(c echo.Context, v *view) error {
	return w.peoplePage(c, v, http.StatusOK, "")
}

func (w *Console) peoplePage(c echo.Context, v *view, status int, alert string) error {
	return w.showPeople(c, v, status, peopleData{Alert: alert})
}

// peoplePageWith shows the people page with a temporary password just
// given.
func (w *Console) peoplePageWith(c echo.Context, v *view, t *temporaryShown) error {
	return w.showPeople(c, v, http.StatusOK, peopleData{Temporary: t})
}

// showPeople fills and renders the people page around d's alert and
// temporary password.
func (w *Console) showPeople(c echo.Context, v *view, status int, d peopleData) error {
	v.Nav, v.Title = "people", v.T("people")
	ctx, p := c.Request().Context(), v.User
	if p.Role == models.RoleCommissioner {
		return apierr.Forbidden()
	}
	code := c.QueryParam("region")
	if code == "" {
		code = p.RegionCode
	}
	if models.LevelOf(code) == "" || !p.Sees(code) {
		return apierr.Forbidden()
	}
	d.Manage, d.Done = p.ManagesPeopleIn(code), c.QueryParam("done")
	d.Assignee, d.Start, d.End = c.FormValue("assignee"), c.FormValue("start_date"), c.FormValue("end_date")
	var err error
	if d.Region, err = w.d.DB.GetRegion(ctx, code); err != nil {
		return err
	}
	if err := w.userRows(c, p, code, &d); err != nil {
		return err
	}
	if d.Commissioners, _, err = w.d.DB.ListCommissioners(ctx, p, models.CommissionerFilter{Region: code}, "", 500); err != nil {
		return err
	}
	if d.Teams, _, err = w.d.DB.ListTeams(ctx, p, code, "", 200); err != nil {
		return err
	}
	as, _, err := w.d.DB.ListAssignments(ctx, p, models.AssignmentFilter{Region: code}, "", 500)
	if err != nil {
		return err
	}
	for _, a := range as {
		d.Assignments = append(d.Assignments, assignmentRow{Assignment: a, Name: w.assigneeName(ctx, p, a)})
	}
	if d.Manage {
		if err := w.bulkForm(c, &d); err != nil {
			return err
		}
	}
	return w.render(c, status, "people", v.with(d))
}

// bulkForm fills the townships to choose from and, once one is chosen,
// its rural villages.
func (w *Console) bulkForm(c echo.Context, d *peopleData) error {
	ctx := c.Request().Context()
	switch d.Region.Level {
	case models.LevelTownship:
		d.Township = d.Region
	case models.LevelCounty:
		kids, err := w.d.DB.RegionChildren(ctx, d.Region.Code, "", 200)
		if err != nil {
			return err
		}
		d.Townships = kids
		for i := range kids {
			if kids[i].Code == c.QueryParam("township") {
				d.Township = &kids[i]
			}
		}
	}
	if d.Township == nil {
		return nil
	}
	kids, err := w.d.DB.RegionChildren(ctx, d.Township.Code, "", 1000)
	if err != nil {
		return err
	}
	for _, k := range kids {
		if k.Rural {
			d.Villages = append(d.Villages, k)
		}
	}
	return nil
}

// assignVillages assigns one commissioner or team to every village ticked
// on the form, each checked as POST /assignments checks it, in one
// transaction: when any is refused, none is stored.
func (w *Console) assignVillages(c echo.Context, v *view) error {
	assignee := c.FormValue("assignee")
	kind, id, _ := strings.Cut(assignee, ":")
	villages := c.Request().Form["village"]
	if len(villages) == 0 {
		return w.peoplePage(c, v, http.StatusUnprocessableEntity, v.T("pick_villages"))
	}
	as := make([]models.Assignment, len(villages))
	for i, code := range villages {
		as[i] = models.Assignment{VillageCode: code, StartDate: c.FormValue("start_date"), EndDate: c.FormValue("end_date")}
		if kind == "team" {
			as[i].TeamID = id
		} else {
			as[i].CommissionerID = id
		}
	}
	if err := w.assignments.AssignAll(c, as); err != nil {
		return w.refusedAssignment(c, v, err)
	}
	q := url.Values{"region": {c.QueryParam("region")}, "township": {c.QueryParam("township")}, "done": {strconv.Itoa(len(as))}}
	return c.Redirect(http.StatusSeeOther, "/people?"+q.Encode())
}

// refusedAssignment shows the people page again with why the form was
// refused.
func (w *Console) refusedAssignment(c echo.Context, v *view, err error) error {
	e, ok := apierr.As(err)
	if !ok {
		return err
	}
	return w.peoplePage(c, v, e.Status, messageOf(e, v.Lang))
}
