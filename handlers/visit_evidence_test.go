package handlers_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/phototest"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// takenAt is an EXIF-dated JPEG taken at ts (at's format); seed varies
// its bytes.
func takenAt(t *testing.T, ts string, seed int) []byte {
	t.Helper()
	when, err := time.Parse(time.RFC3339, ts)
	if err != nil {
		t.Fatal(err)
	}
	return phototest.JPEG(24, 24, seed, &phototest.Exif{Taken: when})
}

// patchVisit changes a visit over HTTP at version base and returns its
// answered flags, sorted.
func patchVisit(t *testing.T, env *testenv.Env, token, id string, base int, body map[string]any) []string {
	t.Helper()
	r := env.Do("PATCH", "/api/v1/visits/"+id, token, body, "If-Match", `"`+strconv.Itoa(base)+`"`)
	mustStatus(t, r, http.StatusOK, "patch visit")
	var v struct {
		Flags   []string `json:"flags"`
		Version int      `json:"version"`
	}
	r.Decode(t, &v)
	if v.Version != base+1 {
		t.Fatalf("patched visit: version %d, want %d", v.Version, base+1)
	}
	slices.Sort(v.Flags)
	return v.Flags
}

// auditedFlags returns the flags, sorted, of the newest edit of visit id
// by a user in the audit trail, as its entry's after holds them. (A
// recount of its photo flags has an entry of its own, with no actor.)
func auditedFlags(t *testing.T, env *testenv.Env, id string) []string {
	t.Helper()
	var after string
	err := env.DB().Table("audit_entries").Select("after_json").
		Where("record_type = ? AND record_id = ? AND action = ? AND actor_id <> ''", "visit", id, "update").
		Order("id DESC").Limit(1).Scan(&after).Error
	if err != nil || after == "" {
		t.Fatalf("no audit entry of the update of visit %s: %v", id, err)
	}
	var v struct {
		Flags []string `json:"flags"`
	}
	if err := json.Unmarshal([]byte(after), &v); err != nil {
		t.Fatalf("audit entry of visit %s: %v", id, err)
	}
	slices.Sort(v.Flags)
	return v.Flags
}

func TestVisitEditsRecomputePhotoFlags(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", county)
		v1 := visitBody(villageA, 10) // 09:00–11:30, ten days ago
		mustStatus(t, env.Do("POST", "/api/v1/visits", me.Token, v1), http.StatusCreated, "create visit")
		id1 := v1["id"].(string)
		photo := takenAt(t, at(15, 10, 0), 71) // five days before the visit
		mustStatus(t, upload(env, me.Token, photoFields(models.NewID(), "visit", id1), photo), http.StatusCreated, "upload")
		if got := flagsOf(t, env, me.Token, id1); !slices.Equal(got, []string{"photo_time_mismatch"}) {
			t.Fatalf("visit with a photo taken five days before: flags %v", got)
		}
		// The visit moved to the photo's day: the flag goes.
		flags := patchVisit(t, env, me.Token, id1, 1, map[string]any{"started_at": at(15, 9, 0), "ended_at": at(15, 11, 0)})
		if len(flags) != 0 || len(flagsOf(t, env, me.Token, id1)) != 0 {
			t.Fatalf("visit moved to the photo's day: answered flags %v, stored %v", flags, flagsOf(t, env, me.Token, id1))
		}
		if got := auditedFlags(t, env, id1); len(got) != 0 {
			t.Errorf("the edit's audit entry: after flags %v, want none, as stored", got)
		}

		// A second visit that day with the same photo is no reuse; pushed
		// to four days later, both visits share bytes across days.
		v2 := visitBody(villageA, 15)
		mustStatus(t, env.Do("POST", "/api/v1/visits", me.Token, v2), http.StatusCreated, "create visit")
		id2 := v2["id"].(string)
		mustStatus(t, upload(env, me.Token, photoFields(models.NewID(), "visit", id2), photo), http.StatusCreated, "upload")
		if got := append(flagsOf(t, env, me.Token, id1), flagsOf(t, env, me.Token, id2)...); len(got) != 0 {
			t.Fatalf("same photo on two visits of one day: flags %v", got)
		}
		moved := map[string]any{"id": id2, "started_at": at(11, 9, 0), "ended_at": at(11, 11, 0)}
		if r := doPush(t, env, me.Token, pushBody(upsert("visit", moved, 1))); r[0].Status != "updated" {
			t.Fatalf("push: %+v", r[0])
		}
		if got := flagsOf(t, env, me.Token, id2); !slices.Equal(got, []string{"photo_reused", "photo_time_mismatch"}) {
			t.Errorf("pushed visit four days after its photo: flags %v", got)
		}
		if got := auditedFlags(t, env, id2); !slices.Equal(got, []string{"photo_reused", "photo_time_mismatch"}) {
			t.Errorf("the pushed edit's audit entry: after flags %v, want those stored", got)
		}
		if got := flagsOf(t, env, me.Token, id1); !slices.Equal(got, []string{"photo_reused"}) {
			t.Errorf("visit sharing the photo with another day's: flags %v", got)
		}
		// Once the other visit is deleted, nothing is reused.
		mustStatus(t, env.Do("DELETE", "/api/v1/visits/"+id2, me.Token, nil), http.StatusNoContent, "delete visit")
		if got := flagsOf(t, env, me.Token, id1); len(got) != 0 {
			t.Errorf("after the other visit was deleted: flags %v", got)
		}
	})
}

func TestVisitEditsRecomputeFarFromVillage(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me, bureau := env.NewUser("commissioner", county), env.NewUser("bureau", county)
		for code, p := range map[string][2]float64{villageA: {29.13, 118.41}, villageA2: {29.60, 118.60}} {
			r := env.Do("PUT", "/api/v1/regions/"+code+"/reference-point", bureau.Token, map[string]any{"lat": p[0], "lng": p[1]})
			mustStatus(t, r, http.StatusOK, "set reference point")
		}
		v := visitBody(villageA, 3) // at 29.13, 118.41: on the reference point
		mustStatus(t, env.Do("POST", "/api/v1/visits", me.Token, v), http.StatusCreated, "create visit")
		id := v["id"].(string)
		if got := flagsOf(t, env, me.Token, id); len(got) != 0 {
			t.Fatalf("visit at its village: flags %v", got)
		}
		// 0.15° of latitude is 16.7 km; 0.001° is 111 m.
		if got := patchVisit(t, env, me.Token, id, 1, map[string]any{"lat": 29.28}); !slices.Equal(got, []string{"far_from_village"}) {
			t.Errorf("visit moved 16.7 km away: flags %v", got)
		}
		if got := patchVisit(t, env, me.Token, id, 2, map[string]any{"lat": 29.131}); len(got) != 0 {
			t.Errorf("visit moved back: flags %v", got)
		}
		// Another village whose reference point is 55 km from the visit's point.
		if got := patchVisit(t, env, me.Token, id, 3, map[string]any{"village_code": villageA2}); !slices.Equal(got, []string{"far_from_village"}) {
			t.Errorf("visit moved to a village 55 km away: flags %v", got)
		}
		if got := flagsOf(t, env, me.Token, id); !slices.Equal(got, []string{"far_from_village"}) {
			t.Errorf("stored flags: %v", got)
		}
	})
}
