package handlers

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
	"github.com/tepai/tepai/photos"
)

// formSlack is what a multipart body may carry besides the photo: the
// form fields and part headers.
const formSlack = 64 << 10

// Photos serves /api/v1/photos: upload, read, list, bytes, thumbnail,
// delete.
type Photos struct {
	d   Deps
	svc *photos.Service
}

// NewPhotos returns the photo handlers.
func NewPhotos(d Deps) *Photos {
	return &Photos{d: d, svc: photos.New(d.DB, d.Store, d.Config, d.Log)}
}

// Register mounts the photo routes on g (behind authentication).
func (h *Photos) Register(g *echo.Group) {
	g.POST("/photos", h.create)
	g.GET("/photos", h.list)
	g.GET("/photos/:id", h.get)
	g.GET("/photos/:id/content", h.content)
	g.GET("/photos/:id/thumbnail", h.thumbnail)
	g.DELETE("/photos/:id", h.delete)
}

// photoJSON is a photo as the API shows it: the record, with the paths
// of its bytes and (once made) its thumbnail.
type photoJSON struct {
	*models.Photo
	URL          string  `json:"url"`
	ThumbnailURL *string `json:"thumbnail_url"`
}

func toPhotoJSON(p *models.Photo, thumb bool) photoJSON {
	out := photoJSON{Photo: p, URL: "/api/v1/photos/" + p.ID + "/content"}
	if thumb {
		u := "/api/v1/photos/" + p.ID + "/thumbnail"
		out.ThumbnailURL = &u
	}
	return out
}

// renderPhotos renders photos as the photo endpoints answer them, with one
// query for which of them have a thumbnail.
func renderPhotos(ctx context.Context, db *models.DB, phs []*models.Photo) ([]photoJSON, error) {
	shas := make([]string, len(phs))
	for i, p := range phs {
		shas[i] = p.SHA256
	}
	thumbs, err := db.PhotosWithThumbnail(ctx, shas)
	if err != nil {
		return nil, err
	}
	out := make([]photoJSON, len(phs))
	for i, p := range phs {
		out[i] = toPhotoJSON(p, thumbs[p.SHA256])
	}
	return out, nil
}

// create takes a multipart form whose fields come before its file part,
// and streams the file into the store as it arrives.
func (h *Photos) create(c echo.Context) error {
	req := c.Request()
	limit := h.d.Config.MaxPhotoBytes + formSlack
	if req.ContentLength > limit {
		return photoTooLarge(h.d.Config.MaxPhotoBytes)
	}
	req.Body = http.MaxBytesReader(c.Response(), req.Body, limit)
	mr, err := req.MultipartReader()
	if err != nil {
		return apierr.UnsupportedMedia("请求须为 multipart/form-data", "the request must be multipart/form-data")
	}
	fields := map[string]string{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return apierr.Invalid("file", "缺少文件", "the file part is missing")
		}
		if err != nil {
			return formError(err, h.d.Config.MaxPhotoBytes)
		}
		if part.FormName() == "file" {
			return h.createFrom(c, fields, part)
		}
		v, err := io.ReadAll(io.LimitReader(part, 1025))
		if err != nil {
			return formError(err, h.d.Config.MaxPhotoBytes)
		}
		if len(v) > 1024 {
			return apierr.Invalid(part.FormName(), "内容过长", "too long")
		}
		fields[part.FormName()] = string(v)
	}
}

func (h *Photos) createFrom(c echo.Context, fields map[string]string, file io.Reader) error {
	f, err := photos.ParseForm(func(k string) string { return fields[k] })
	if err != nil {
		return err
	}
	ph, created, err := h.svc.Create(c.Request().Context(), Caller(c), f, file, RequestID(c))
	if err != nil {
		return multipartError(err, h.d.Config.MaxPhotoBytes)
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return h.respond(c, status, ph)
}

// formError maps a failure to read the form, which only the client's
// body can cause (a part header that does not parse, a body cut short), to
// 413 when it is over the limit, else 400.
func formError(err error, limit int64) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return photoTooLarge(limit)
	}
	return apierr.BadRequest("multipart 表单格式错误", "malformed multipart form").WithCause(err)
}

// multipartError maps a broken or oversized body to the contract's errors.
func multipartError(err error, limit int64) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return photoTooLarge(limit)
	}
	if e, ok := apierr.As(err); ok {
		if e.Status == http.StatusRequestEntityTooLarge {
			return photoTooLarge(limit)
		}
		return err
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return apierr.BadRequest("请求体不完整", "the request body ended early").WithCause(err)
	}
	return err
}

func (h *Photos) respond(c echo.Context, status int, ph *models.Photo) error {
	var out photoJSON
	if ph.Thumbnail != nil {
		// Known already (a new photo): no query.
		out = toPhotoJSON(ph, *ph.Thumbnail)
	} else {
		rendered, err := renderPhotos(c.Request().Context(), h.d.DB, []*models.Photo{ph})
		if err != nil {
			return err
		}
		out = rendered[0]
	}
	c.Response().Header().Set("ETag", `"`+strconv.Itoa(ph.Version)+`"`)
	return c.JSON(status, out)
}

func (h *Photos) get(c echo.Context) error {
	ph, err := h.d.DB.GetPhoto(c.Request().Context(), Caller(c), c.Param("id"))
	if err != nil {
		return err
	}
	return h.respond(c, http.StatusOK, ph)
}

func (h *Photos) list(c echo.Context) error {
	page, err := ParsePage(c)
	if err != nil {
		return err
	}
	f := models.PhotoFilter{OwnerType: c.QueryParam("owner_type"), OwnerID: c.QueryParam("owner_id")}
	if f.OwnerType != "" && !slices.Contains(models.PhotoOwnerTypes, f.OwnerType) {
		return apierr.BadRequest("owner_type 取值无效", "unknown owner_type")
	}
	ctx := c.Request().Context()
	items, next, err := h.d.DB.ListPhotos(ctx, Caller(c), f, page.Limit, page.Cursor)
	if errors.Is(err, models.ErrPhotoCursor) {
		return apierr.BadRequest("cursor 无效", "invalid cursor")
	}
	if err != nil {
		return err
	}
	phs := make([]*models.Photo, len(items))
	for i := range items {
		phs[i] = &items[i]
	}
	rendered, err := renderPhotos(ctx, h.d.DB, phs)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, List[photoJSON]{Items: rendered, NextCursor: next})
}

func (h *Photos) delete(c echo.Context) error {
	if err := h.svc.Delete(c.Request().Context(), Caller(c), c.Param("id"), RequestID(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// photoTooLarge is the 413 for a photo over the limit, naming the limit.
func photoTooLarge(limit int64) error {
	return apierr.TooLargeLimit("照片", "photo", limit)
}
