package handlers_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/phototest"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
	"github.com/tepai/tepai/photos"
)

// villageMajin is a village of 马金镇, the township beside 华埠镇.
const villageMajin = "330824116200"

// TestPhotosFollowTheirOwner: a photo is seen where its record is. Moving
// a visit to another township (by PATCH or by a push) moves its photos;
// deleting it (by DELETE or by a push) hides them, and the sweep releases
// their bytes after the grace period unless a live photo shares them.
func TestPhotosFollowTheirOwner(t *testing.T) {
	photoBackends(t, func(t *testing.T, env *testenv.Env) {
		alice := env.NewUser(models.RoleCommissioner, "330824")
		huabu := env.NewUser(models.RoleTownship, townshipHuabu)
		majin := env.NewUser(models.RoleTownship, townshipMajin)
		seenBy := func(token, id string) int { return env.Do("GET", "/api/v1/photos/"+id, token, nil).Status }
		listed := func(token, visitID string) int {
			var page struct {
				Items []photoResp `json:"items"`
			}
			env.Do("GET", "/api/v1/photos?owner_type=visit&owner_id="+visitID, token, nil).Decode(t, &page)
			return len(page.Items)
		}
		attach := func(visitID string, jpg []byte) string {
			id := models.NewID()
			if r := upload(env, alice.Token, photoFields(id, "visit", visitID), jpg); r.Status != 201 {
				t.Fatalf("upload: %d %s", r.Status, r.Body)
			}
			return id
		}

		// Moved by PATCH.
		v1 := visitBody(villageHuayang, 3)
		mustStatus(t, env.Do("POST", "/api/v1/visits", alice.Token, v1), 201, "create visit")
		own, shared := phototest.JPEG(32, 32, 201, nil), phototest.JPEG(32, 32, 202, nil)
		p1, p2 := attach(v1["id"].(string), own), attach(v1["id"].(string), shared)
		if seenBy(huabu.Token, p1) != 200 || seenBy(majin.Token, p1) != 404 {
			t.Fatalf("before the move: 华埠 %d, 马金 %d", seenBy(huabu.Token, p1), seenBy(majin.Token, p1))
		}
		mustStatus(t, env.Do("PATCH", "/api/v1/visits/"+v1["id"].(string), alice.Token, map[string]any{"village_code": villageMajin}), 200, "move visit")
		for _, id := range []string{p1, p2} {
			if a, b := seenBy(huabu.Token, id), seenBy(majin.Token, id); a != 404 || b != 200 {
				t.Errorf("after the move: 华埠 %d, 马金 %d", a, b)
			}
		}
		if st, _, _ := fetch(t, env, huabu.Token, "/api/v1/photos/"+p1+"/content"); st != 404 {
			t.Errorf("old township reads the bytes: %d", st)
		}
		if a, b := listed(huabu.Token, v1["id"].(string)), listed(majin.Token, v1["id"].(string)); a != 0 || b != 2 {
			t.Errorf("lists after the move: 华埠 %d, 马金 %d", a, b)
		}

		// Moved by a push.
		v2 := visitBody(villageHuayang, 2)
		if rs := doPush(t, env, alice.Token, pushBody(upsert("visit", v2, 0))); rs[0].Status != "created" || rs[0].ID != v2["id"] {
			t.Fatalf("push: %+v", rs)
		}
		p3 := attach(v2["id"].(string), phototest.JPEG(32, 32, 203, nil))
		if rs := doPush(t, env, alice.Token, pushBody(upsert("visit", map[string]any{"id": v2["id"], "village_code": villageMajin}, 1))); rs[0].Status != "updated" {
			t.Fatalf("push move of %s: %+v", v2["id"], rs)
		}
		if a, b := seenBy(huabu.Token, p3), seenBy(majin.Token, p3); a != 404 || b != 200 {
			t.Errorf("after the pushed move: 华埠 %d, 马金 %d", a, b)
		}

		// Deleted by DELETE and by a push; p4 shares p2's bytes on a live visit.
		v3 := visitBody(villageHuayang, 1)
		mustStatus(t, env.Do("POST", "/api/v1/visits", alice.Token, v3), 201, "create visit")
		p4 := attach(v3["id"].(string), shared)
		mustStatus(t, env.Do("DELETE", "/api/v1/visits/"+v1["id"].(string), alice.Token, nil), 204, "delete visit")
		rs := doPush(t, env, alice.Token, pushBody(map[string]any{"type": "visit", "op": "delete", "record": map[string]any{"id": v2["id"]}, "base_version": 2}))
		if rs[0].Status != "deleted" {
			t.Fatalf("push delete: %+v", rs)
		}
		for _, id := range []string{p1, p2, p3} {
			for who, token := range map[string]string{"owner": alice.Token, "马金": majin.Token, "华埠": huabu.Token} {
				if st := seenBy(token, id); st != 404 {
					t.Errorf("photo of a deleted visit, %s: %d", who, st)
				}
				if st, _, _ := fetch(t, env, token, "/api/v1/photos/"+id+"/content"); st != 404 {
					t.Errorf("bytes of a deleted visit's photo, %s: %d", who, st)
				}
			}
		}
		if n := listed(alice.Token, v1["id"].(string)); n != 0 {
			t.Errorf("photos listed of a deleted visit: %d", n)
		}
		var changes int64
		env.DB().Table("changes").Where("record_type = ? AND op = ? AND record_id IN ?", "photo", "delete", []string{p1, p2, p3}).Count(&changes)
		if changes != 3 {
			t.Errorf("photo delete changes: %d", changes)
		}

		// The bytes stay through the grace period, then go unless shared.
		d := env.App.Deps
		svc := photos.New(d.DB, d.Store, d.Config, d.Log)
		kept := func() string {
			return fmt.Sprint(len(storedKeys(t, env, models.PhotoKey(sha(own)))), len(storedKeys(t, env, models.PhotoKey(sha(shared)))))
		}
		if _, err := svc.Sweep(context.Background(), time.Now().Add(d.Config.OrphanGrace/2)); err != nil || kept() != "1 1" {
			t.Fatalf("sweep within the grace: %v, kept %s", err, kept())
		}
		if _, err := svc.Sweep(context.Background(), time.Now().Add(d.Config.OrphanGrace+time.Hour)); err != nil || kept() != "0 1" {
			t.Fatalf("sweep after the grace: %v, kept %s", err, kept())
		}
		if st, got, _ := fetch(t, env, alice.Token, "/api/v1/photos/"+p4+"/content"); st != 200 || sha(got) != sha(shared) {
			t.Fatalf("the live twin: %d", st)
		}
	})
}
