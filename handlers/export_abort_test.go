package handlers_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// An export that fails after its status went out aborts the connection:
// the client sees a broken transfer, never a 200 whose file looks whole.
// The photo table is taken away so that the export's first page fails
// once the CSV's status and header are written.
func TestExportFailingMidStreamAborts(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		seedExportVisits(t, env, 700)
		bureau := env.NewUser(models.RoleBureau, county)
		if err := env.DB().Exec("ALTER TABLE photos RENAME TO photos_gone").Error; err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { env.DB().Exec("ALTER TABLE photos_gone RENAME TO photos") })
		req, _ := http.NewRequest("GET", env.Server.URL+"/api/v1/visits?format=csv", nil)
		req.Header.Set("Authorization", "Bearer "+bureau.Token)
		res, err := env.Server.Client().Do(req)
		if err != nil {
			return // aborted before the status reached the client
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err == nil {
			t.Fatalf("export cut short ended cleanly: %d, %d bytes", res.StatusCode, len(body))
		}
	})
}
