// Package server builds tepai's Echo instance: middleware in order, the one
// error handler, the ops endpoints and every handler's routes.
package server

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/handlers"
	"github.com/tepai/tepai/web"
)

// New returns the HTTP handler of the whole API. reg receives the HTTP
// metrics; pass a fresh registry per server.
func New(d handlers.Deps, reg *prometheus.Registry) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = errorHandler(d.Log, d.DB)
	e.IPExtractor = echo.ExtractIPDirect()

	e.Pre(dropForeignRequestIDs)
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{
		RequestIDHandler: func(c echo.Context, id string) {
			handlers.SetLogger(c, d.Log.With("request_id", id))
		},
	}))
	e.Use(securityHeaders())
	e.Use(accessLog())
	e.Use(metrics(reg))
	e.Use(recoverer())
	origins, _ := d.Config.AllowedOrigins() // checked by Config.Validate
	e.Use(cors(origins))
	e.Use(compress())
	e.Use(bodyLimit(d.Config.MaxBodyBytes))

	registerOps(e, d, reg)
	api := e.Group("/api/v1")
	authed := api.Group("", authenticate(d), handlers.NormalizeIDParams)
	registerRoutes(api, authed, d)
	web.New(d).Register(e)
	answerMethodNotAllowed(e)
	return e
}

// bodyLimit caps JSON bodies; photo and upload routes check their own,
// larger limit.
func bodyLimit(max int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			p := c.Request().URL.Path
			if strings.HasPrefix(p, "/api/v1/photos") || strings.HasPrefix(p, "/api/v1/uploads") {
				return next(c)
			}
			req := c.Request()
			if req.ContentLength > max {
				return apierr.TooLargeLimit("请求体", "request body", max)
			}
			req.Body = http.MaxBytesReader(c.Response(), req.Body, max)
			return next(c)
		}
	}
}

// dropForeignRequestIDs removes a client's X-Request-Id that is not 1–64
// characters of letters, digits and ._:- so that a new one is made: the id
// goes into logs, the audit trail and push receipts (64 characters), where
// a longer one would fail the write and control or bidirectional
// characters would disguise it.
func dropForeignRequestIDs(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header
		if id := h.Get(echo.HeaderXRequestID); id != "" && !wellFormedRequestID(id) {
			h.Del(echo.HeaderXRequestID)
		}
		return next(c)
	}
}

func wellFormedRequestID(id string) bool {
	if len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch b := id[i]; {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9', b == '.', b == '_', b == ':', b == '-':
		default:
			return false
		}
	}
	return true
}
