// Package web is tepai's console: server-rendered pages in which township
// offices and bureaus see village coverage, field work and evaluations in
// a browser. It reads everything through the same models and scope rules
// as the JSON API, signs in through the API's own login (limits included)
// and keeps its login in an HttpOnly session cookie backed by the API's
// sessions.
package web

import (
	"embed"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/handlers"
)

//go:embed templates/*.html static/*
var assets embed.FS

// Console serves the web console's pages and static files.
type Console struct {
	d           handlers.Deps
	auth        *handlers.Auth
	stats       *handlers.Stats
	records     *handlers.Records
	evals       *handlers.Evaluations
	assignments *handlers.Assignments
	me          *handlers.Me
	users       *handlers.Users
	pages       pages
	csp         string
}

// New returns the console over the API's dependencies.
func New(d handlers.Deps) *Console {
	return &Console{d: d, auth: handlers.NewAuth(d), stats: handlers.NewStats(d),
		records: handlers.NewRecords(d.DB), evals: handlers.NewEvaluations(d), assignments: handlers.NewAssignments(d),
		me: handlers.NewMe(d), users: handlers.NewUsers(d), pages: parsePages(), csp: contentPolicy(d.Config.S3)}
}

// prefixes are the paths the console owns besides "/": the API keeps
// /api/v1, the probes, /docs and /openapi.json.
var prefixes = []string{"/login", "/logout", "/lang", "/coverage", "/villages/", "/visits/",
	"/activity", "/services", "/income", "/report", "/evaluations", "/people", "/password", "/static/"}

// Owns reports whether path is one of the console's HTML pages or static
// files rather than an operation of the API.
func Owns(path string) bool {
	if path == "/" {
		return true
	}
	for _, p := range prefixes {
		if path == strings.TrimSuffix(p, "/") || strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// Register mounts the console's routes on e.
func (w *Console) Register(e *echo.Echo) {
	e.GET("/static/:name", w.static)
	e.GET("/login", w.public(w.loginForm))
	e.POST("/login", w.public(w.login))
	e.POST("/lang", w.public(w.setLang))
	e.GET("/logout", w.page(w.logoutForm))
	e.POST("/logout", w.page(w.logout))
	e.GET("/", w.page(w.home))
	e.GET("/coverage", w.page(w.coverage))
	e.GET("/villages/:code", w.page(w.village))
	e.GET("/visits/:id", w.page(w.visit))
	e.GET("/activity", w.page(w.activity))
	e.GET("/services", w.page(w.services))
	e.GET("/income", w.page(w.income))
	e.GET("/report", w.page(w.report))
	e.GET("/evaluations/:year", w.page(w.evaluation))
	e.GET("/evaluations/:year/rubric", w.page(w.rubricForm))
	e.POST("/evaluations/:year/rubric", w.page(w.saveRubric))
	e.POST("/evaluations/:year/runs", w.page(w.runEvaluation))
	e.POST("/evaluations/:year/adjustments", w.page(w.adjustEvaluation))
	e.POST("/evaluations/:year/lock", w.page(w.lockEvaluation))
	e.GET("/evaluations/:year/commissioners/:id", w.page(w.scorecard))
	e.GET("/people", w.page(w.people))
	e.POST("/people/assignments", w.page(w.assignVillages))
	e.POST("/people/users/:id/reset-password", w.page(w.resetPassword))
	e.POST("/people/users/:id/disable", w.page(w.disableUser))
	e.POST("/people/users/:id/enable", w.page(w.enableUser))
	e.GET("/password", w.page(w.passwordForm))
	e.POST("/password", w.page(w.changePassword))
}
