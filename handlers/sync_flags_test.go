package handlers_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// flagsOf returns a stored visit's flags as its GET endpoint answers them.
func flagsOf(t *testing.T, env *testenv.Env, token, id string) []string {
	t.Helper()
	var v struct {
		Flags []string `json:"flags"`
	}
	r := env.Do("GET", "/api/v1/visits/"+id, token, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("get visit: %d %s", r.Status, r.Body)
	}
	r.Decode(t, &v)
	slices.Sort(v.Flags)
	return v.Flags
}

// located is visitBody at a point (no point when lat is 0).
func located(village string, lat, lng float64) map[string]any {
	v := visitBody(village, 1)
	delete(v, "lat")
	delete(v, "lng")
	if lat != 0 {
		v["lat"], v["lng"] = lat, lng
	}
	return v
}

// setFlags overwrites a visit's flags in the database, as another check
// (the photo evidence) would have set them.
func setFlags(t *testing.T, env *testenv.Env, id string, flags ...string) {
	t.Helper()
	b, _ := json.Marshal(flags)
	if err := env.DB().Model(&models.Visit{}).Where("id = ?", id).Update("flags", string(b)).Error; err != nil {
		t.Fatal(err)
	}
}

func TestPushFlagsDeviceClockSkew(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", "330824")
		push := func(deviceTime *time.Time, changes ...map[string]any) []pushed {
			body := pushBody(changes...)
			if deviceTime != nil {
				body["device_time"] = deviceTime.Format(time.RFC3339)
			}
			return doPush(t, env, me.Token, body)
		}
		now := time.Now()
		slow, fast, right := now.Add(-2*time.Hour), now.Add(30*time.Minute), now.Add(-time.Minute)
		behind := push(&slow, upsert("visit", located(huashan, 0, 0), 0), upsert("visit", located(jianfeng, 0, 0), 0))
		ahead := push(&fast, upsert("visit", located(huashan, 0, 0), 0))
		fine := push(&right, upsert("visit", located(huashan, 0, 0), 0))
		unknown := push(nil, upsert("visit", located(huashan, 0, 0), 0))
		for _, r := range append(behind, ahead...) {
			if got := flagsOf(t, env, me.Token, r.ID); !slices.Equal(got, []string{"device_clock_skew"}) {
				t.Errorf("visit of a skewed push: flags %v", got)
			}
		}
		for _, r := range append(fine, unknown...) {
			if got := flagsOf(t, env, me.Token, r.ID); len(got) != 0 {
				t.Errorf("visit of a push with a right or no clock: flags %v", got)
			}
		}
		var receipts []models.SyncPush
		env.DB().Order("id").Find(&receipts)
		if len(receipts) != 4 || receipts[0].DeviceID != "phone-1" || receipts[0].Changes != 2 || receipts[3].DeviceTime != nil {
			t.Fatalf("receipts: %+v", receipts)
		}
		if d := receipts[0].DeviceTime; d == nil || d.Unix() != slow.Unix() || receipts[0].ReceivedAt.Before(now.Add(-time.Second)) {
			t.Fatalf("receipt times: %+v", receipts[0])
		}
		if s := *receipts[0].ClockSkewMs; s < (2*time.Hour-time.Minute).Milliseconds() || s > (2*time.Hour+time.Minute).Milliseconds() {
			t.Fatalf("skew of a clock 2 h behind: %d ms", s)
		}
		// A skewed push changing a visit adds its flag beside the others.
		id := fine[0].ID
		setFlags(t, env, id, "photo_reused")
		push(&slow, upsert("visit", map[string]any{"id": id, "notes": "补记"}, 1))
		if got := flagsOf(t, env, me.Token, id); !slices.Equal(got, []string{"device_clock_skew", "photo_reused"}) {
			t.Fatalf("flags after a skewed change: %v", got)
		}
	})
}

func TestVisitsFarFromTheirVillageAreFlagged(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", "330824")
		bureau := env.NewUser("bureau", "330824")
		r := env.Do("PUT", "/api/v1/regions/"+huashan+"/reference-point", bureau.Token, map[string]any{"lat": 29.10, "lng": 118.20})
		if r.Status != http.StatusOK {
			t.Fatalf("set reference point: %d %s", r.Status, r.Body)
		}
		// 0.01° of longitude at 29.1° N is 0.97 km; 0.1° of latitude 11.1 km.
		rs := doPush(t, env, me.Token, pushBody(
			upsert("visit", located(huashan, 29.10, 118.21), 0),
			upsert("visit", located(huashan, 29.20, 118.20), 0),
			upsert("visit", located(huashan, 0, 0), 0),
			upsert("visit", located(xiazhuang, 29.90, 118.90), 0), // no reference point there
		))
		want := [][]string{{}, {"far_from_village"}, {}, {}}
		for i, r := range rs {
			if got := flagsOf(t, env, me.Token, r.ID); !slices.Equal(got, want[i]) && !(len(got) == 0 && len(want[i]) == 0) {
				t.Errorf("visit %d: flags %v, want %v", i, got, want[i])
			}
		}
		// The record endpoint flags the same way.
		posted := env.Do("POST", "/api/v1/visits", me.Token, located(huashan, 29.20, 118.20)).JSON()
		if got := flagsOf(t, env, me.Token, posted["id"].(string)); !slices.Equal(got, []string{"far_from_village"}) {
			t.Errorf("visit posted 11 km away: flags %v", got)
		}
		// Moving a flagged visit back clears the flag and keeps the others.
		far := rs[1].ID
		setFlags(t, env, far, "far_from_village", "photo_reused")
		doPush(t, env, me.Token, pushBody(upsert("visit", map[string]any{"id": far, "lat": 29.101, "lng": 118.201}, 1)))
		if got := flagsOf(t, env, me.Token, far); !slices.Equal(got, []string{"photo_reused"}) {
			t.Errorf("visit moved near: flags %v", got)
		}
	})
}

func TestVisitsFarFromTheMedianOfTheirVillage(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", "330824")
		env.Assign(me.Commissioner, jianfeng, "2020-01-01")
		var five []map[string]any
		for i := range 5 {
			five = append(five, upsert("visit", located(jianfeng, 29.300+0.001*float64(i), 118.300), 0))
		}
		for _, r := range doPush(t, env, me.Token, pushBody(five...)) {
			if got := flagsOf(t, env, me.Token, r.ID); len(got) != 0 {
				t.Fatalf("visit before any reference point: flags %v", got)
			}
		}
		// The median of the five is (29.302, 118.300): 29.40 is 10.9 km
		// north of it, 29.31 0.9 km.
		rs := doPush(t, env, me.Token, pushBody(
			upsert("visit", located(jianfeng, 29.40, 118.30), 0),
			upsert("visit", located(jianfeng, 29.31, 118.30), 0),
		))
		if got := flagsOf(t, env, me.Token, rs[0].ID); !slices.Equal(got, []string{"far_from_village"}) {
			t.Errorf("visit 10.9 km from the median: flags %v", got)
		}
		if got := flagsOf(t, env, me.Token, rs[1].ID); len(got) != 0 {
			t.Errorf("visit 0.9 km from the median: flags %v", got)
		}
	})
}
