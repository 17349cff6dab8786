package handlers

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
)

// RecordHandlers serves every field record type's routes — create, list,
// get, patch, delete, and the children below plots and households — over
// the one Records implementation that sync push uses too.
type RecordHandlers struct {
	r *Records
}

// NewRecordHandlers returns the field record handlers.
func NewRecordHandlers(d Deps) *RecordHandlers {
	return &RecordHandlers{r: NewRecords(d.DB)}
}

// Register mounts the routes of every record type on g.
func (h *RecordHandlers) Register(g *echo.Group) {
	for _, sp := range h.r.order {
		if sp.parent == nil {
			h.mount(g, sp.path, sp)
		}
	}
}

// mount adds the routes of sp below base, and of its children below one
// record of it.
func (h *RecordHandlers) mount(g *echo.Group, base string, sp *spec) {
	one := base + "/:" + sp.idParam
	g.POST(base, h.create(sp))
	g.GET(base, h.list(sp))
	g.GET(one, h.get(sp))
	g.PATCH(one, h.patch(sp))
	g.DELETE(one, h.remove(sp))
	for _, child := range sp.children {
		h.mount(g, one+child.path, child)
	}
}

// call describes the request's caller.
func (h *RecordHandlers) call(c echo.Context) call {
	return call{p: Caller(c), requestID: RequestID(c)}
}

// parentID returns the parent record named by a child route after
// checking that the caller may see it (404 otherwise); "" for top-level
// types.
func (h *RecordHandlers) parentID(c echo.Context, sp *spec) (string, error) {
	if sp.parent == nil {
		return "", nil
	}
	id := c.Param(sp.parent.idParam)
	if _, err := h.r.readable(c.Request().Context(), Caller(c), sp.parent, id, ""); err != nil {
		return "", err
	}
	return id, nil
}

func (h *RecordHandlers) create(sp *spec) echo.HandlerFunc {
	return func(c echo.Context) error {
		body, err := readJSONBody(c)
		if err != nil {
			return err
		}
		parent, err := h.parentID(c, sp)
		if err != nil {
			return err
		}
		res, err := h.r.create(c.Request().Context(), h.call(c), sp, "", body, parent)
		return respond(c, res, err, http.StatusCreated)
	}
}

func (h *RecordHandlers) get(sp *spec) echo.HandlerFunc {
	return func(c echo.Context) error {
		parent, err := h.parentID(c, sp)
		if err != nil {
			return err
		}
		m, err := h.r.readable(c.Request().Context(), Caller(c), sp, c.Param(sp.idParam), parent)
		if err != nil {
			return err
		}
		return writeRecord(c, http.StatusOK, m)
	}
}

func (h *RecordHandlers) patch(sp *spec) echo.HandlerFunc {
	return func(c echo.Context) error {
		body, err := readJSONBody(c)
		if err != nil {
			return err
		}
		parent, err := h.parentID(c, sp)
		if err != nil {
			return err
		}
		res, err := h.r.update(c.Request().Context(), h.call(c), sp, c.Param(sp.idParam), body, ifMatch(c), parent)
		return respond(c, res, err, http.StatusOK)
	}
}

func (h *RecordHandlers) remove(sp *spec) echo.HandlerFunc {
	return func(c echo.Context) error {
		parent, err := h.parentID(c, sp)
		if err != nil {
			return err
		}
		res, err := h.r.remove(c.Request().Context(), h.call(c), sp, c.Param(sp.idParam), ifMatch(c), parent)
		if err == nil && res.Error == nil {
			return c.NoContent(http.StatusNoContent)
		}
		return respond(c, res, err, http.StatusNoContent)
	}
}

// respond writes the outcome of a change: its error, or the stored record
// with status (200 when nothing changed).
func respond(c echo.Context, res ApplyResult, err error, status int) error {
	if err != nil {
		return err
	}
	if res.Error != nil {
		return res.Error
	}
	if res.Status == StatusUnchanged {
		status = http.StatusOK
	}
	return writeRecord(c, status, res.Record)
}

// writeRecord answers one record with its version as ETag.
func writeRecord(c echo.Context, status int, m models.Record) error {
	c.Response().Header().Set("ETag", `"`+strconv.Itoa(m.RecordMeta().Version)+`"`)
	return c.JSON(status, m)
}

// ifMatch reads If-Match: nil when absent or "*", else the version it
// names (-1, which never matches, when it names none).
func ifMatch(c echo.Context) *int {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if h == "" || h == "*" {
		return nil
	}
	n, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(h, "W/"), `"`))
	if err != nil {
		n = -1
	}
	return &n
}

// readJSONBody reads a JSON request body whole: 415 when it is not JSON,
// 413 when too large, 400 when empty or not UTF-8 (decoding would silently
// turn such bytes into U+FFFD and store them).
func readJSONBody(c echo.Context) ([]byte, error) {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	if ct != "" && !strings.HasPrefix(strings.ToLower(ct), echo.MIMEApplicationJSON) {
		return nil, apierr.UnsupportedMedia("请求内容须为 JSON", "request body must be JSON")
	}
	body, err := io.ReadAll(c.Request().Body)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, apierr.TooLargeLimit("请求体", "request body", tooLarge.Limit)
	case err != nil:
		return nil, apierr.BadRequest("无法读取请求体", "cannot read the request body").WithCause(err)
	case len(strings.TrimSpace(string(body))) == 0:
		return nil, apierr.BadRequest("请求体为空", "empty request body")
	case !utf8.Valid(body):
		return nil, apierr.BadRequest("请求体须为 UTF-8 编码", "request body must be UTF-8")
	}
	normalizeBodyIDs(body)
	return body, nil
}
