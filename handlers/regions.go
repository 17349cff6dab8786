package handlers

import (
	"encoding/base64"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
)

// Regions serves the administrative divisions; any signed-in user may read
// them.
type Regions struct{ d Deps }

// NewRegions returns the region handlers.
func NewRegions(d Deps) *Regions { return &Regions{d: d} }

// Register mounts the region routes.
func (h *Regions) Register(g *echo.Group) {
	g.GET("/regions/:code", h.get)
	g.GET("/regions/:code/children", h.children)
}

func (h *Regions) get(c echo.Context) error {
	code, err := regionParam(c)
	if err != nil {
		return err
	}
	r, err := h.d.DB.GetRegion(c.Request().Context(), code)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// children lists a region's direct children in code order, paged by code.
func (h *Regions) children(c echo.Context) error {
	code, err := regionParam(c)
	if err != nil {
		return err
	}
	page, err := ParsePage(c)
	if err != nil {
		return err
	}
	after, err := decodeCodeCursor(page.Cursor)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := h.d.DB.GetRegion(ctx, code); err != nil {
		return err
	}
	rs, err := h.d.DB.RegionChildren(ctx, code, after, page.Limit+1)
	if err != nil {
		return err
	}
	out := List[models.Region]{Items: rs}
	if len(rs) > page.Limit {
		out.Items = rs[:page.Limit]
		out.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(rs[page.Limit-1].Code))
	}
	return c.JSON(http.StatusOK, out)
}

// regionParam reads the :code path parameter; a code that no level has
// (2, 4, 6, 9 or 12 digits) is a bad request.
func regionParam(c echo.Context) (string, error) {
	code := c.Param("code")
	if !wellFormedCode(code) {
		return "", apierr.BadRequest("地区代码须为 2、4、6、9 或 12 位数字", "a region code has 2, 4, 6, 9 or 12 digits")
	}
	return code, nil
}

// decodeCodeCursor reads a cursor made of the last region code of a page.
func decodeCodeCursor(cursor string) (string, error) {
	if cursor == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || !wellFormedCode(string(b)) {
		return "", apierr.BadRequest("cursor 无效", "invalid cursor")
	}
	return string(b), nil
}

// wellFormedCode reports whether s is all digits, of a level's length.
func wellFormedCode(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return models.LevelOf(s) != ""
}
