package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/photos"
)

// Uploads serves resumable photo uploads: the tus 1.0 protocol at
// /api/v1/uploads/, whose Upload-Metadata carries the photo form's fields;
// a finished upload becomes the same photo record a POST /photos makes.
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

// Register mounts the tus endpoint on g (behind authentication).
func (h *Uploads) Register(g *echo.Group) {
	g.Any("/uploads/*", h.serve)
}

func (h *Uploads) serve(c echo.Context) error {
	if h.err != nil {
		return h.err
	}
	h.svc.ServeTus(h.tus, c.Response(), c.Request(), Caller(c), RequestID(c))
	return nil
}
