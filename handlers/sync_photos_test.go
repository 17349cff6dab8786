package handlers_test

import (
	"reflect"
	"testing"

	"github.com/tepai/tepai/internal/phototest"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

func TestPullCarriesPhotosInScope(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		alice, bob := env.NewUser("commissioner", county), env.NewUser("commissioner", county)
		townshipA, townshipB := env.NewUser("township", townA), env.NewUser("township", townB)
		va := newVisit(t, env, alice.Commissioner, villageA, photoTime(2024, 5, 21, 9, 0))
		vb := newVisit(t, env, bob.Commissioner, villageB, photoTime(2024, 5, 21, 9, 0))
		_, aliceAt := pullAll(t, env, alice.Token, "", 500)
		_, townAt := pullAll(t, env, townshipA.Token, "", 500)

		pa, pb := models.NewID(), models.NewID()
		if r := upload(env, alice.Token, photoFields(pa, "visit", va.ID), phototest.JPEG(24, 24, 61, nil)); r.Status != 201 {
			t.Fatalf("alice's upload: %d %s", r.Status, r.Body)
		}
		if r := upload(env, bob.Token, photoFields(pb, "visit", vb.ID), phototest.JPEG(24, 24, 62, nil)); r.Status != 201 {
			t.Fatalf("bob's upload: %d %s", r.Status, r.Body)
		}
		waitThumbnail(t, env, alice.Token, pa)

		// Each commissioner pulls its own photo, as GET /photos/{id} shows it.
		changes, aliceAt := pullAll(t, env, alice.Token, aliceAt, 500)
		got := byKey(changes)
		if _, ok := got["photo/"+pb]; ok {
			t.Errorf("alice pulled bob's photo")
		}
		rec := got["photo/"+pa]
		if rec.Op != "upsert" || rec.Record["url"] != "/api/v1/photos/"+pa+"/content" || rec.Record["thumbnail_url"] != "/api/v1/photos/"+pa+"/thumbnail" {
			t.Fatalf("alice's photo in her pull: %+v", rec)
		}
		if shown := env.Do("GET", "/api/v1/photos/"+pa, alice.Token, nil).JSON(); !reflect.DeepEqual(rec.Record, shown) {
			t.Errorf("pulled photo %v\nGET shows %v", rec.Record, shown)
		}
		if got := byKey(firstPull(t, env, bob.Token)); got["photo/"+pb].Op != "upsert" || got["photo/"+pa].Op != "" {
			t.Errorf("bob's pull: %+v", got)
		}
		// Township users pull the photos in their townships.
		changes, townAt = pullAll(t, env, townshipA.Token, townAt, 500)
		if got := byKey(changes); got["photo/"+pa].Op != "upsert" || got["photo/"+pb].Op != "" {
			t.Errorf("township A's pull: %+v", got)
		}
		if got := byKey(firstPull(t, env, townshipB.Token)); got["photo/"+pb].Op != "upsert" || got["photo/"+pa].Op != "" {
			t.Errorf("township B's pull: %+v", got)
		}

		// A deleted photo comes as a tombstone.
		if r := env.Do("DELETE", "/api/v1/photos/"+pa, alice.Token, nil); r.Status != 204 {
			t.Fatalf("delete: %d %s", r.Status, r.Body)
		}
		for _, who := range []struct {
			token, cursor string
		}{{alice.Token, aliceAt}, {townshipA.Token, townAt}} {
			changes, _ := pullAll(t, env, who.token, who.cursor, 500)
			if c := byKey(changes)["photo/"+pa]; c.Op != "delete" || len(c.Record) != 1 || c.Record["id"] != pa {
				t.Errorf("tombstone of the deleted photo: %+v", c)
			}
		}
	})
}
