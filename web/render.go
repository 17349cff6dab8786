package web

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/config"
	"github.com/tepai/tepai/handlers"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// view is what every page's template sees: the caller, the language, the
// anti-forgery token, the section for the navigation, and the page's own
// data.
type view struct {
	Lang  string
	User  *models.Principal
	CSRF  string
	Path  string // the request's path and query, for the language switch
	Nav   string
	Title string
	Data  any
}

// T returns the catalog's text for key in the page's language.
func (v *view) T(key string) string { return text(v.Lang, key) }

// pageFunc is a console page: it fills v and renders, or returns an error
// for the error page.
type pageFunc func(c echo.Context, v *view) error

// pages are the parsed templates, one set per page with the layout.
type pages map[string]*template.Template

var pageNames = []string{"login", "logout", "error", "coverage", "village", "visit", "activity", "services", "income", "report", "evaluation", "scorecard", "rubric", "people", "password"}

func parsePages() pages {
	out := pages{}
	for _, name := range pageNames {
		out[name] = template.Must(template.New(name).Funcs(funcs).
			ParseFS(assets, "templates/layout.html", "templates/period.html", "templates/visits.html", "templates/"+name+".html"))
	}
	return out
}

// contentPolicy is the console's Content-Security-Policy: scripts, styles
// and everything else from the console itself only (no inline script or
// style, no eval), images also from the photo store, which the API's
// photo routes redirect to with signed URLs.
func contentPolicy(s3 config.S3) string {
	img := "'self' data:"
	if s3.Endpoint != "" {
		scheme := "http://"
		if s3.UseSSL {
			scheme = "https://"
		}
		img += " " + scheme + s3.Endpoint
	}
	return "default-src 'none'; script-src 'self'; style-src 'self'; img-src " + img +
		"; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
}

// headers sets the console's security headers on a page.
func (w *Console) headers(c echo.Context) {
	h := c.Response().Header()
	h.Set("Content-Security-Policy", w.csp)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}

// render writes page name with status.
func (w *Console) render(c echo.Context, status int, name string, v *view) error {
	var buf bytes.Buffer
	if err := w.pages[name].ExecuteTemplate(&buf, "layout", v); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// fail renders the error page for err: the API's status and message for
// its errors (a row outside the caller's scope is 404 as in the API), a
// generic 500 for anything else, whose cause goes to the log only.
func (w *Console) fail(c echo.Context, v *view, err error) error {
	e, ok := apierr.As(err)
	if !ok && errors.Is(err, gorm.ErrRecordNotFound) {
		e, ok = apierr.NotFound(), true
	}
	if !ok {
		handlers.Logger(c).Error("console page failed", "path", c.Request().URL.Path, "err", err)
		e = &apierr.Error{Status: http.StatusInternalServerError, Code: "internal", ZH: "服务器内部错误", EN: "internal server error"}
	}
	for k, val := range e.Headers() {
		c.Response().Header().Set(k, val)
	}
	v.Title = v.T("error")
	v.Data = struct {
		Status  int
		Message string
	}{e.Status, e.Message(v.Lang)}
	return w.render(c, e.Status, "error", v)
}

// errForgery is a form posted without this console's anti-forgery token.
var errForgery = apierr.Forbidden().WithCause(errors.New("missing or wrong anti-forgery token"))

// public wraps a page anyone may open (sign-in, language).
func (w *Console) public(fn pageFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		v, err := w.begin(c)
		if err != nil {
			return w.fail(c, v, err)
		}
		return w.run(c, v, fn)
	}
}

// page wraps a page that needs a login: a visitor not signed in is sent to
// the sign-in form, which brings it back.
func (w *Console) page(fn pageFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		v, err := w.begin(c)
		if err != nil {
			return w.fail(c, v, err)
		}
		if v.User == nil {
			next := ""
			if c.Request().Method == http.MethodGet {
				next = "?next=" + template.URLQueryEscaper(c.Request().URL.RequestURI())
			}
			return c.Redirect(http.StatusSeeOther, "/login"+next)
		}
		handlers.SetPrincipal(c, v.User)
		return w.run(c, v, func(c echo.Context, v *view) error {
			if err := w.temporaryPassword(c, v); err != nil || c.Response().Committed {
				return err
			}
			return fn(c, v)
		})
	}
}

// begin reads the caller, language and anti-forgery token of a request.
func (w *Console) begin(c echo.Context) (*view, error) {
	w.headers(c)
	v := &view{Lang: language(c), Path: c.Request().URL.RequestURI()}
	p, err := SessionPrincipal(c, w.d.DB)
	if err != nil {
		return v, err
	}
	v.User = p
	if p != nil {
		ck, _ := c.Cookie(sessionCookie)
		v.CSRF = csrfOf(ck.Value)
	} else {
		v.CSRF = visitorToken(c)
	}
	return v, nil
}

// run checks a posted form's anti-forgery token and runs the page.
func (w *Console) run(c echo.Context, v *view, fn pageFunc) error {
	if c.Request().Method != http.MethodGet && !sameToken(c.FormValue("csrf"), v.CSRF) {
		return w.fail(c, v, errForgery)
	}
	if err := fn(c, v); err != nil {
		return w.fail(c, v, err)
	}
	return nil
}

// language is the page's language: the console's switch when set, else
// the API's rule (English when the browser's first language is, else
// Chinese).
func language(c echo.Context) string {
	if ck, err := c.Cookie(langCookie); err == nil && (ck.Value == "en" || ck.Value == "zh") {
		return ck.Value
	}
	first := strings.ToLower(strings.TrimSpace(strings.SplitN(c.Request().Header.Get("Accept-Language"), ",", 2)[0]))
	if strings.HasPrefix(first, "en") {
		return "en"
	}
	return "zh"
}
