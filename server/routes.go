package server

import (
	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/handlers"
)

// registerRoutes mounts every resource's handler: public routes on api,
// the rest on authed (behind authentication).
func registerRoutes(api, authed *echo.Group, d handlers.Deps) {
	handlers.NewEvaluations(d).Register(authed)
	handlers.NewAuth(d).Register(api, authed)
	handlers.NewMe(d).Register(authed)
	handlers.NewUsers(d).Register(authed)
	handlers.NewCommissioners(d).Register(authed)
	handlers.NewTeams(d).Register(authed)
	handlers.NewAssignments(d).Register(authed)
	handlers.NewRecordHandlers(d).Register(authed)
	handlers.NewAudit(d).Register(authed)
	handlers.NewSync(d).Register(authed)
	handlers.NewReferencePoints(d).Register(authed)
	handlers.NewRegions(d).Register(authed)
	handlers.NewPhotos(d).Register(authed)
	handlers.NewUploads(d).Register(api, authed)
	handlers.NewStats(d).Register(authed)
}
