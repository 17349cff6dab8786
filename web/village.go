package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/handlers"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// visitsPerPage is how many visits the village page lists at once.
const visitsPerPage = 30

// visitRow is a visit as a list shows it: the record, its commissioner's
// name and its photos.
type visitRow struct {
	*models.Visit
	Commissioner string
	Photos       []photoRow
}

// photoRow is a photo with the address of its small image: the
// thumbnail once made, the photo itself until then.
type photoRow struct {
	models.Photo
	Small string
}

// villageData is the village page: the village, its township, who is
// assigned to it and its visits.
type villageData struct {
	Village     *models.Region
	Township    *models.Region
	Assignments []assignmentRow
	Visits      []visitRow
	More        template.URL
}

// assignmentRow is an assignment with its commissioner's or team's name.
type assignmentRow struct {
	models.Assignment
	Name string
}

// village shows one village in the caller's scope; any other code is 404,
// as a record outside scope is in the API.
func (w *Console) village(c echo.Context, v *view) error {
	v.Nav = "coverage"
	ctx, p, code := c.Request().Context(), v.User, c.Param("code")
	if models.LevelOf(code) != models.LevelVillage || p.Role == models.RoleCommissioner || !p.Sees(code) {
		return apierr.NotFound()
	}
	r, err := w.d.DB.GetRegion(ctx, code)
	if err != nil {
		return err
	}
	d := villageData{Village: r}
	if d.Township, err = w.d.DB.GetRegion(ctx, r.ParentCode); err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return err
	}
	as, _, err := w.d.DB.ListAssignments(ctx, p, models.AssignmentFilter{Region: code}, "", 100)
	if err != nil {
		return err
	}
	for _, a := range as {
		d.Assignments = append(d.Assignments, assignmentRow{Assignment: a, Name: w.assigneeName(ctx, p, a)})
	}
	recs, next, err := w.records.List(ctx, p, handlers.TypeVisit, handlers.RecordFilter{Region: code, Limit: visitsPerPage, Cursor: c.QueryParam("cursor")})
	if err != nil {
		return err
	}
	if d.Visits, err = w.visitRows(ctx, p, recs); err != nil {
		return err
	}
	if next != "" {
		d.More = template.URL("?cursor=" + url.QueryEscape(next))
	}
	v.Title = r.Name
	return w.render(c, http.StatusOK, "village", v.with(d))
}

// assigneeName names an assignment's commissioner or team.
func (w *Console) assigneeName(ctx context.Context, p *models.Principal, a models.Assignment) string {
	if a.CommissionerID != "" {
		if cm, err := w.d.DB.GetCommissioner(ctx, p, a.CommissionerID); err == nil {
			return cm.Name
		}
		return a.CommissionerID
	}
	var t models.Team
	if err := w.d.DB.WithContext(ctx).Select("name").Where("id = ?", a.TeamID).Take(&t).Error; err == nil {
		return t.Name
	}
	return a.TeamID
}

// visitRows adds commissioner names (the id for one p may not see) and
// their first eight photos to a page of visits, in three queries for the
// page.
func (w *Console) visitRows(ctx context.Context, p *models.Principal, recs []models.Record) ([]visitRow, error) {
	var commissioners, ids []string
	for _, rec := range recs {
		vi := rec.(*models.Visit)
		commissioners, ids = append(commissioners, vi.CommissionerID), append(ids, vi.ID)
	}
	names, err := w.d.DB.VisibleCommissionerNames(ctx, p, commissioners)
	if err != nil {
		return nil, err
	}
	photos, err := w.d.DB.FirstPhotos(ctx, p, handlers.TypeVisit, ids, 8)
	if err != nil {
		return nil, err
	}
	var shas []string
	for _, phs := range photos {
		for _, ph := range phs {
			shas = append(shas, ph.SHA256)
		}
	}
	thumbs, err := w.d.DB.PhotosWithThumbnail(ctx, shas)
	if err != nil {
		return nil, err
	}
	out := make([]visitRow, 0, len(recs))
	for _, rec := range recs {
		vi := rec.(*models.Visit)
		row := visitRow{Visit: vi, Commissioner: vi.CommissionerID}
		if name, ok := names[vi.CommissionerID]; ok {
			row.Commissioner = name
		}
		for _, ph := range photos[vi.ID] {
			pr := photoRow{Photo: ph, Small: "/api/v1/photos/" + ph.ID + "/content"}
			if thumbs[ph.SHA256] {
				pr.Small = "/api/v1/photos/" + ph.ID + "/thumbnail"
			}
			row.Photos = append(row.Photos, pr)
		}
		out = append(out, row)
	}
	return out, nil
}
