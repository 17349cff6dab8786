package handlers_test

import (
	"testing"

	"github.com/tepai/tepai/internal/phototest"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// testPhotoResponsesMatchOpenAPI drives every photo and upload route through
// its success and failure answers; the package's TestMain checks each
// response against the OpenAPI document.
func testPhotoResponsesMatchOpenAPI(t *testing.T, env *testenv.Env) {
	func() {
		alice := env.NewUser(models.RoleCommissioner, townshipHuabu)
		visit := newVisit(t, env, alice.Commissioner, villageHuayang, photoTime(2024, 5, 21, 9, 0))
		jpg := phototest.JPEG(32, 32, 81, &phototest.Exif{Taken: photoTime(2024, 5, 21, 9, 30), Lat: 29.1, Lng: 118.4})
		id := models.NewID()
		upload(env, alice.Token, photoFields(id, "visit", visit.ID), jpg)
		upload(env, alice.Token, photoFields(id, "visit", visit.ID), jpg)
		upload(env, alice.Token, photoFields(id, "visit", visit.ID), phototest.PNG(4, 4, 1))
		upload(env, alice.Token, photoFields(models.NewID(), "visit", visit.ID), []byte("text"))
		upload(env, alice.Token, photoFields(models.NewID(), "harvest", visit.ID), jpg)
		upload(env, alice.Token, photoFields(models.NewID(), "visit", models.NewID()), jpg)
		upload(env, "", photoFields(models.NewID(), "visit", visit.ID), jpg)
		upload(env, alice.Token, photoFields(models.NewID(), "visit", visit.ID), phototest.JPEG(800, 600, 3, nil))
		env.Do("GET", "/api/v1/photos/"+id, alice.Token, nil)
		env.Do("GET", "/api/v1/photos?owner_type=visit&owner_id="+visit.ID+"&limit=1", alice.Token, nil)
		env.Do("GET", "/api/v1/photos?owner_type=bogus", alice.Token, nil)
		fetch(t, env, alice.Token, "/api/v1/photos/"+id+"/content")
		waitThumbnail(t, env, alice.Token, id)
		fetch(t, env, alice.Token, "/api/v1/photos/"+id+"/thumbnail")
		tc := tusClient{t: t, env: env, token: alice.Token}
		other := phototest.JPEG(20, 20, 82, nil)
		loc := tc.create(len(other), photoFields(models.NewID(), "visit", visit.ID)).header.Get("Location")
		tc.create(10, map[string]string{"owner_type": "visit"})
		tc.offset(loc)
		tc.patch(loc, 3, other[3:])
		tc.patch(loc, 0, other)
		env.Do("DELETE", "/api/v1/photos/"+id, alice.Token, nil)
		env.Do("GET", "/api/v1/photos/"+id, alice.Token, nil)
	}()
}
