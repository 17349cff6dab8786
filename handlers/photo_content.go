package handlers

import (
	"io"
	"net/http"

	"github.com/labstack/echo/v4"
)

func (h *Photos) content(c echo.Context) error { return h.serve(c, false) }

func (h *Photos) thumbnail(c echo.Context) error { return h.serve(c, true) }

// serve answers a photo's bytes (or its thumbnail's) after the access
// check: a redirect to a short-lived signed URL when the store has one
// and photos are delivered by redirect, else the bytes (TEPAI_PHOTO_DELIVERY
// proxy streams MinIO's object through tepai), with ranges and conditional
// requests when the store's object seeks, as both stores' do.
func (h *Photos) serve(c echo.Context, thumb bool) error {
	ph, content, err := h.svc.Open(c.Request().Context(), Caller(c), c.Param("id"), thumb)
	if err != nil {
		return err
	}
	res := c.Response()
	res.Header().Set("Cache-Control", "private, max-age=300")
	if content.URL != "" {
		return c.Redirect(http.StatusFound, content.URL)
	}
	defer content.Body.Close()
	ct, etag := ph.ContentType, `"`+ph.SHA256+`"`
	if thumb {
		ct, etag = "image/jpeg", `"`+ph.SHA256+`-thumb"`
	}
	res.Header().Set(echo.HeaderContentType, ct)
	res.Header().Set("ETag", etag)
	if rs, ok := content.Body.(io.ReadSeeker); ok {
		http.ServeContent(res, c.Request(), "", content.Info.Modified, rs)
		return nil
	}
	return c.Stream(http.StatusOK, ct, content.Body)
}
