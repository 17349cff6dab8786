// Package docs serves tepai's documentation for people: the API reference
// at /docs, rendered from /openapi.json by a Redoc bundle embedded in the
// binary (no CDN), and the phone developer's guide (guide.md) at
// /docs/guide, both under a Content-Security-Policy that lets the page
// load nothing from elsewhere.
package docs

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
)

//go:embed index.html docs.js docs.css guide.md redoc/redoc.standalone.js redoc/LICENSE redoc/redoc.standalone.js.LICENSE.txt
var files embed.FS

// CSP is the Content-Security-Policy of every /docs answer. Redoc needs
// inline styles (it injects its own), data: images (its icons) and a blob:
// worker (its search index); scripts only come from /docs/assets and no
// connection leaves the server.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"font-src 'self' data:; connect-src 'self'; worker-src blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// assets are the files served under /docs/assets/, by name.
var assets = map[string]struct{ path, contentType string }{
	"redoc.standalone.js":             {"redoc/redoc.standalone.js", "text/javascript; charset=utf-8"},
	"redoc.LICENSE":                   {"redoc/LICENSE", "text/plain; charset=utf-8"},
	"redoc.standalone.js.LICENSE.txt": {"redoc/redoc.standalone.js.LICENSE.txt", "text/plain; charset=utf-8"},
	"docs.js":                         {"docs.js", "text/javascript; charset=utf-8"},
	"docs.css":                        {"docs.css", "text/css; charset=utf-8"},
}

var page = template.Must(template.ParseFS(files, "index.html"))

// Guide returns the phone developer's guide (Markdown).
func Guide() []byte {
	b, _ := files.ReadFile("guide.md")
	return b
}

// Register mounts the documentation routes on e; none needs a token.
func Register(e *echo.Echo) {
	e.GET("/docs", render("tepai API 接口参考", "/openapi.json"))
	e.GET("/docs/guide", render("tepai 手机端开发指南 · Phone developer's guide", "/docs/guide.json"))
	e.GET("/docs/guide.md", func(c echo.Context) error {
		c.Response().Header().Set("Content-Security-Policy", CSP)
		return c.Blob(http.StatusOK, "text/markdown; charset=utf-8", Guide())
	})
	e.GET("/docs/guide.json", guideDocument)
	e.GET("/docs/assets/*", asset)
}

// render answers the page that renders the OpenAPI document at spec.
func render(title, spec string) echo.HandlerFunc {
	var buf bytes.Buffer
	if err := page.Execute(&buf, map[string]string{"Title": title, "Spec": spec}); err != nil {
		panic(err)
	}
	html := buf.Bytes()
	return func(c echo.Context) error {
		c.Response().Header().Set("Content-Security-Policy", CSP)
		return c.Blob(http.StatusOK, echo.MIMETextHTMLCharsetUTF8, html)
	}
}

// guideDocument answers the guide as the description of an OpenAPI
// document without paths, which Redoc renders with a menu of its sections.
func guideDocument(c echo.Context) error {
	doc := map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "tepai 手机端开发指南 · Phone developer's guide", "version": "1.0", "description": string(Guide())},
		"paths":   map[string]any{},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return apierr.Internal(err)
	}
	c.Response().Header().Set("Content-Security-Policy", CSP)
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, b)
}

// asset answers one of the files the pages load.
func asset(c echo.Context) error {
	a, ok := assets[strings.TrimPrefix(c.Param("*"), "/")]
	if !ok {
		return apierr.NotFound()
	}
	b, err := files.ReadFile(a.path)
	if err != nil {
		return apierr.Internal(err)
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", CSP)
	h.Set("Cache-Control", "public, max-age=3600")
	return c.Blob(http.StatusOK, a.contentType, b)
}
