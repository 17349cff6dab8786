package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/photos"
)

// Uploads serves resumable photo uploads: the tus 1.0 protocol at
// /api/v1/uploads (with or without the trailing slash), whose
// Upload-Metadata carries the photo form's fields; a finished upload
// becomes the same photo record a POST /photos makes.
type Uploads struct {
	svc *photos.Service
	tus http.Handler
	err error
}

// NewUploads returns the resumable upload handlers.
func NewUploads(d Deps) *Uploads {
	svc := photos.New(d.DB, d.Store, d.Config, d.Log)
	tus, err := svc.TusHandler()
	return &Uploads{svc: svc, tus: tus, err: err}
}

// Register mounts the tus endpoint on authed (behind authentication), and
// its OPTIONS discovery (versions, extensions, size limit) on api, without
// a token, as tus clients send it before anything else.
func (h *Uploads) Register(api, authed *echo.Group) {
	authed.Any("/uploads", h.serve)
	authed.Any("/uploads/*", h.serve)
	api.OPTIONS("/uploads", h.discover)
	api.OPTIONS("/uploads/*", h.discover)
}

// discover answers tus OPTIONS requests; they touch no upload.
func (h *Uploads) discover(c echo.Context) error {
	if h.err != nil {
		return h.err
	}
	h.svc.ServeTus(h.tus, c.Response(), c.Request(), nil, RequestID(c))
	return nil
}

func (h *Uploads) serve(c echo.Context) error {
	if h.err != nil {
		return h.err
	}
	h.svc.ServeTus(h.tus, c.Response(), c.Request(), Caller(c), RequestID(c))
	return nil
}
