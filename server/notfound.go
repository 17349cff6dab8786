package server

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// answerMethodNotAllowed replaces the "no such route" handlers Echo gives
// every group with middleware. Those answer 404 even for a path another
// method serves; this one answers 405 with Allow there, as Echo does
// outside groups, and 404 elsewhere.
func answerMethodNotAllowed(e *echo.Echo) {
	notFound := func(c echo.Context) error {
		req := c.Request()
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			probe := e.NewContext(req, nil)
			e.Router().Find(m, echo.GetPath(req), probe)
			if p := probe.Path(); p != "" && p != c.Path() {
				allow = append(allow, m)
			}
		}
		if len(allow) == 0 {
			return echo.ErrNotFound
		}
		c.Response().Header().Set(echo.HeaderAllow, strings.Join(allow, ", "))
		return echo.ErrMethodNotAllowed
	}
	for _, r := range e.Routes() {
		if r.Method == echo.RouteNotFound {
			e.RouteNotFound(r.Path, notFound)
		}
	}
}
