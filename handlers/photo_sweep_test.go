package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/phototest"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
	"github.com/tepai/tepai/photos"
)

func TestPhotoSweep(t *testing.T) {
	photoBackends(t, func(t *testing.T, env *testenv.Env) {
		ctx := context.Background()
		d := env.App.Deps
		svc := photos.New(d.DB, d.Store, d.Config, d.Log)
		alice := env.NewUser(models.RoleCommissioner, townshipHuabu)
		visit := newVisit(t, env, alice.Commissioner, villageHuayang, photoTime(2024, 5, 21, 9, 0))
		live := phototest.JPEG(32, 32, 61, nil)
		liveID := models.NewID()
		if r := upload(env, alice.Token, photoFields(liveID, "visit", visit.ID), live); r.Status != 201 {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		// What a crash or a dropped connection leaves behind: bytes moved
		// into place whose record was never written, a thumbnail of them,
		// a temporary object, and a resumable upload never finished.
		orphan := strings.Repeat("ab", 32)
		for _, key := range []string{models.PhotoKey(orphan), models.ThumbnailKey(orphan), "tmp/" + models.NewID()} {
			if err := d.Store.Put(ctx, key, strings.NewReader("bytes"), 5, "image/jpeg"); err != nil {
				t.Fatal(err)
			}
		}
		c := tusClient{t: t, env: env, token: alice.Token}
		half := phototest.JPEG(64, 64, 62, nil)
		loc := c.create(len(half), photoFields(models.NewID(), "visit", visit.ID)).header.Get("Location")
		if r := c.patch(loc, 0, half[:len(half)/2]); r.status != http.StatusNoContent {
			t.Fatalf("patch: %d %s", r.status, r.body)
		}
		// The live photo's thumbnail is made by the background workers
		// whenever they come to it, so it is left out of the count.
		keys := func() int {
			n := 0
			for _, k := range storedKeys(t, env, "") {
				if k != models.ThumbnailKey(sha(live)) {
					n++
				}
			}
			return n
		}
		before := keys()

		// Within the grace period nothing goes.
		res, err := svc.Sweep(ctx, time.Now())
		if err != nil || res != (photos.SweepResult{}) || keys() != before {
			t.Fatalf("early sweep: %+v %v", res, err)
		}
		// A day later the orphans go and the photo stays.
		res, err = svc.Sweep(ctx, time.Now().Add(25*time.Hour))
		if err != nil || res != (photos.SweepResult{Temporary: 1, Contents: 1, Uploads: 1}) {
			t.Fatalf("sweep: %+v %v", res, err)
		}
		for _, prefix := range []string{"tmp/", "uploads/", "thumbs/sha256/" + orphan} {
			if keys := storedKeys(t, env, prefix); len(keys) != 0 {
				t.Fatalf("left under %s: %v", prefix, keys)
			}
		}
		if keys := storedKeys(t, env, "photos/"); strings.Join(keys, ",") != models.PhotoKey(sha(live)) {
			t.Fatalf("photos left: %v", keys)
		}
		if status, got, _ := fetch(t, env, alice.Token, "/api/v1/photos/"+liveID+"/content"); status != 200 || sha(got) != sha(live) {
			t.Fatalf("live photo: %d", status)
		}
		if _, status := c.offset(loc); status != http.StatusNotFound {
			t.Fatalf("swept upload: %d", status)
		}
	})
}
