package server

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
)

// corsAllowHeaders are the request headers a browser client may send: the
// token, JSON and conditional requests, and the tus protocol's headers.
var corsAllowHeaders = strings.Join([]string{
	"Authorization", "Content-Type", "Accept", "Accept-Language", "If-Match", "X-Request-Id",
	"Tus-Resumable", "Upload-Length", "Upload-Offset", "Upload-Metadata", "Upload-Defer-Length",
	"Upload-Concat", "X-HTTP-Method-Override",
}, ", ")

// corsExposeHeaders are the response headers a browser client may read:
// versions, resumable upload state and the photo a finished upload made.
var corsExposeHeaders = strings.Join([]string{
	"ETag", "Location", "Retry-After", "X-Request-Id", "Content-Disposition",
	"Tus-Resumable", "Tus-Version", "Tus-Extension", "Tus-Max-Size",
	"Upload-Offset", "Upload-Length", "Upload-Metadata", "Upload-Defer-Length", "Upload-Expires",
	"Photo-Id", "Photo-Url",
}, ", ")

// corsAllowMethods are the methods of the API and of tus.
const corsAllowMethods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"

// corsMaxAge is how long (seconds) a browser may cache a preflight answer.
const corsMaxAge = "600"

// cors lets the browser origins of TEPAI_CORS_ORIGINS call the API. It
// answers their preflights (OPTIONS with Access-Control-Request-Method)
// itself, before authentication, and marks their other requests readable
// by them. A preflight from any other origin is 403; other requests from
// it are served without CORS headers, so the browser keeps the answer from
// the page. With no origin configured it does nothing, and an OPTIONS
// without Access-Control-Request-Method (tus discovery) always reaches its
// route.
func cors(origins []string) echo.MiddlewareFunc {
	allowed := make(map[string]bool, len(origins))
	for _, o := range origins {
		allowed[o] = true
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		if len(allowed) == 0 {
			return next
		}
		return func(c echo.Context) error {
			req := c.Request()
			h := c.Response().Header()
			h.Add(echo.HeaderVary, echo.HeaderOrigin) // a cache must not hand one origin's answer to another
			origin := req.Header.Get(echo.HeaderOrigin)
			if origin == "" {
				return next(c)
			}
			ok := allowed[strings.ToLower(origin)]
			if req.Method == http.MethodOptions && req.Header.Get(echo.HeaderAccessControlRequestMethod) != "" {
				h.Add(echo.HeaderVary, echo.HeaderAccessControlRequestMethod)
				h.Add(echo.HeaderVary, echo.HeaderAccessControlRequestHeaders)
				if !ok {
					return apierr.Forbidden()
				}
				h.Set(echo.HeaderAccessControlAllowOrigin, origin)
				h.Set(echo.HeaderAccessControlAllowMethods, corsAllowMethods)
				h.Set(echo.HeaderAccessControlAllowHeaders, corsAllowHeaders)
				h.Set(echo.HeaderAccessControlMaxAge, corsMaxAge)
				return c.NoContent(http.StatusNoContent)
			}
			if ok {
				h.Set(echo.HeaderAccessControlAllowOrigin, origin)
				h.Set(echo.HeaderAccessControlExposeHeaders, corsExposeHeaders)
			}
			return next(c)
		}
	}
}
