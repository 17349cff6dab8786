package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/phototest"
	"github.com/tepai/tepai/internal/testenv"
)

// TestPushRequiresRecordID: a sync change whose record has no id is
// invalid, with a 422 detail on id, every time it is replayed, and stores
// nothing; the other change of the push is applied. A direct POST may
// still leave the id to the server.
func TestPushRequiresRecordID(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", kaihua)
		idless := visitBody(huashan, 1)
		delete(idless, "id")
		good := visitBody(jianfeng, 1)
		body := pushBody(upsert("visit", idless, 0), upsert("visit", good, 0))
		for round := range 2 {
			res := doPush(t, env, me.Token, body)
			if res[0].Status != "invalid" || res[0].ID != "" {
				t.Fatalf("round %d: id-less change: %+v", round, res[0])
			}
			if res[0].Error["code"] != "validation_failed" || !strings.Contains(res[0].Error["message"].(string), "校验") {
				t.Fatalf("round %d: error %v", round, res[0].Error)
			}
			d := res[0].Error["details"].([]any)[0].(map[string]any)
			if len(res[0].Error["details"].([]any)) != 1 || d["field"] != "id" || !strings.Contains(d["message"].(string), "同步变更的记录须带 id") {
				t.Fatalf("round %d: details %v", round, res[0].Error["details"])
			}
			want := []string{"created", "unchanged"}[round]
			if res[1].Status != want || res[1].ID != good["id"] {
				t.Fatalf("round %d: the other change: %+v", round, res[1])
			}
		}
		var visits, changes int64
		env.DB().Table("visits").Count(&visits)
		env.DB().Table("changes").Where("record_type = 'visit'").Count(&changes)
		if visits != 1 || changes != 1 {
			t.Fatalf("%d visits, %d change-log rows; want the one good visit", visits, changes)
		}
		// The English message says what to send.
		r := env.Do("POST", "/api/v1/sync/push", me.Token, pushBody(upsert("visit", idless, 0)), "Accept-Language", "en")
		if !strings.Contains(string(r.Body), "a sync change's record must carry its id") {
			t.Fatalf("english: %s", r.Body)
		}
		direct := env.Do("POST", "/api/v1/visits", me.Token, idless)
		if direct.Status != http.StatusCreated || len(direct.JSON()["id"].(string)) != 36 {
			t.Fatalf("direct POST without id: %d %s", direct.Status, direct.Body)
		}
	})
}

// TestUpperCaseIDs: ids are taken in any letter case and stored and
// answered in lower case, so that an iOS phone's upper-case replay is the
// same record, by sync, by direct POST, in paths and for photos.
func TestUpperCaseIDs(t *testing.T) {
	photoBackends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", kaihua)
		v := visitBody(huashan, 1)
		lower := v["id"].(string)
		v["id"] = strings.ToUpper(lower)
		first := doPush(t, env, me.Token, pushBody(upsert("visit", v, 0)))
		if first[0].Status != "created" || first[0].ID != lower {
			t.Fatalf("upper-case create: %+v", first[0])
		}
		again := doPush(t, env, me.Token, pushBody(upsert("visit", v, 0)))
		if again[0].Status != "unchanged" || again[0].ID != lower || again[0].Version != 1 {
			t.Fatalf("upper-case replay: %+v", again[0])
		}
		v["id"] = lower
		if r := doPush(t, env, me.Token, pushBody(upsert("visit", v, 0))); r[0].Status != "unchanged" {
			t.Fatalf("lower-case replay: %+v", r[0])
		}
		var stored []string
		env.DB().Table("visits").Pluck("id", &stored)
		if len(stored) != 1 || stored[0] != lower {
			t.Fatalf("stored ids %v, want [%s]", stored, lower)
		}
		v["id"] = strings.ToUpper(lower)
		if r := env.Do("POST", "/api/v1/visits", me.Token, v); r.Status != http.StatusOK || r.JSON()["id"] != lower {
			t.Fatalf("direct upper-case replay: %d %s", r.Status, r.Body)
		}
		if r := env.Do("GET", "/api/v1/visits/"+strings.ToUpper(lower), me.Token, nil); r.Status != http.StatusOK || r.JSON()["id"] != lower {
			t.Fatalf("GET by upper-case id: %d %s", r.Status, r.Body)
		}
		// A photo named in upper case, for the visit named in upper case.
		pid := newID()
		jpg := phototest.JPEG(64, 48, 7, nil)
		up := upload(env, me.Token, photoFields(strings.ToUpper(pid), "visit", strings.ToUpper(lower)), jpg)
		if up.Status != http.StatusCreated || up.JSON()["id"] != pid || up.JSON()["owner_id"] != lower {
			t.Fatalf("upper-case photo: %d %s", up.Status, up.Body)
		}
		if r := upload(env, me.Token, photoFields(pid, "visit", lower), jpg); r.Status != http.StatusOK {
			t.Fatalf("lower-case photo replay: %d %s", r.Status, r.Body)
		}
		if r := env.Do("GET", "/api/v1/photos?owner_type=visit&owner_id="+strings.ToUpper(lower), me.Token, nil); len(r.JSON()["items"].([]any)) != 1 {
			t.Fatalf("photos by upper-case owner id: %s", r.Body)
		}
		// The same through tus: upper case in Upload-Metadata.
		tid := newID()
		c := tusClient{t: t, env: env, token: me.Token}
		png := phototest.PNG(40, 30, 3)
		loc := c.create(len(png), photoFields(strings.ToUpper(tid), "visit", strings.ToUpper(lower))).header.Get("Location")
		if r := c.patch(loc, 0, png); r.status != http.StatusNoContent || r.header.Get("Photo-Id") != tid {
			t.Fatalf("tus upper-case: %d %v %s", r.status, r.header, r.body)
		}
		var owners []string
		env.DB().Table("photos").Where("id IN ?", []string{pid, tid}).Order("id").Pluck("owner_id", &owners)
		if len(owners) != 2 || owners[0] != lower || owners[1] != lower {
			t.Fatalf("photo owners %v, want both %s", owners, lower)
		}
	})
}

// TestPhotoTooLargeNamesTheLimit: the photo servers of these tests take
// 64 KiB (photoLimit = 65536 bytes); one byte more is refused, saying so.
func TestPhotoTooLargeNamesTheLimit(t *testing.T) {
	photoBackends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", kaihua)
		v := newVisit(t, env, me.Commissioner, huashan, photoTime(2024, 5, 1, 9, 0))
		big := append(phototest.JPEG(64, 48, 1, nil), make([]byte, photoLimit)...)
		r := upload(env, me.Token, photoFields(newID(), "visit", v.ID), big)
		if r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(string(r.Body), "照片超过大小上限 64 KiB（65536 字节）") {
			t.Fatalf("too large: %d %s", r.Status, r.Body)
		}
	})
}
