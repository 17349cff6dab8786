package handlers_test

import (
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

func TestPullFirstPullOfCommissioner(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me, other, mate := env.NewUser("commissioner", "330824"), env.NewUser("commissioner", "330824"), env.NewUser("commissioner", "330824")
		team := storeTeam(t, env, mate.Commissioner, me.Commissioner)
		mine := storeAssignment(t, env, me.Commissioner.ID, "", huashan)
		ours := storeAssignment(t, env, "", team, xiazhuang)
		theirs := storeAssignment(t, env, other.Commissioner.ID, "", suzhuang)
		kept := storeVisit(t, env, me.Commissioner, huashan)
		gone := storeVisit(t, env, me.Commissioner, huashan)
		storeVisitDeletion(t, env, gone)
		edited := storeVisit(t, env, me.Commissioner, huashan)
		edited = storeVisitNotes(t, env, edited, "第一次")
		edited = storeVisitNotes(t, env, edited, "第二次")
		foreign := storeVisit(t, env, other.Commissioner, suzhuang)

		// Pages of 3 over: 2 regions + 2 assignments (mine, the team's),
		// 3 creates, 1 delete and 2 updates of my visits = 10 rows.
		changes, cursor := pullAll(t, env, me.Token, "", 3)
		got := byKey(changes)
		want := map[string]string{
			"assignment/" + mine.ID: "upsert", "assignment/" + ours.ID: "upsert",
			"region/" + huashan: "upsert", "region/" + xiazhuang: "upsert",
			"visit/" + kept.ID: "upsert", "visit/" + gone.ID: "delete", "visit/" + edited.ID: "upsert",
		}
		if len(got) != len(want) {
			t.Fatalf("first pull: %d records, want %d: %+v", len(got), len(want), got)
		}
		for k, op := range want {
			if got[k].Op != op {
				t.Errorf("%s: op %q, want %q", k, got[k].Op, op)
			}
		}
		for _, k := range []string{"assignment/" + theirs.ID, "region/" + suzhuang, "visit/" + foreign.ID} {
			if _, ok := got[k]; ok {
				t.Errorf("pulled another commissioner's %s", k)
			}
		}
		village := got["region/"+huashan].Record
		if village["name"] != "华山村委会" || village["level"] != "village" || village["parent_code"] != tongcunTown || village["rural"] != true {
			t.Errorf("village record: %v", village)
		}
		if r := got["visit/"+edited.ID].Record; r["version"] != float64(3) || r["notes"] != "第二次" {
			t.Errorf("edited visit is not its current state: %v", r)
		}
		if r := got["visit/"+gone.ID].Record; len(r) != 1 || r["id"] != gone.ID {
			t.Errorf("tombstone: %v", r)
		}

		// Nothing new: an empty page that keeps the position.
		p := pull(t, env, me.Token, cursor, 100)
		if len(p.Changes) != 0 || p.HasMore {
			t.Fatalf("second pull: %+v", p)
		}
		later := storeVisit(t, env, me.Commissioner, huashan)
		p = pull(t, env, me.Token, p.NextCursor, 100)
		if len(p.Changes) != 1 || recID(p.Changes[0].Record) != later.ID || p.HasMore {
			t.Fatalf("pull after one more visit: %+v", p)
		}
	})
}

func TestPullDeduplicatesWithinAPage(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", "330824")
		v := storeVisit(t, env, me.Commissioner, huashan)
		v = storeVisitNotes(t, env, v, "一")
		storeVisitNotes(t, env, v, "二")
		p := pull(t, env, me.Token, "", 500)
		if len(p.Changes) != 1 || p.Changes[0].Record["version"] != float64(3) || p.Changes[0].Record["notes"] != "二" {
			t.Fatalf("three changes of one visit: %+v", p.Changes)
		}
	})
}

func TestPullScopeOfRegionUsers(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		c := env.NewUser("commissioner", "330824")
		inTown := storeVisit(t, env, c.Commissioner, jianfeng)
		a := storeAssignment(t, env, c.Commissioner.ID, "", huashan)
		outside := storeVisit(t, env, c.Commissioner, xiazhuang)

		township := env.NewUser("township", tongcunTown)
		got := byKey(firstPull(t, env, township.Token))
		// The visit in 建丰村, the assignment to 华山村 and that village.
		if len(got) != 3 || got["visit/"+inTown.ID].Op != "upsert" || got["assignment/"+a.ID].Op != "upsert" || got["region/"+huashan].Op != "upsert" {
			t.Fatalf("township pull: %+v", got)
		}
		bureau := env.NewUser("bureau", "330824")
		got = byKey(firstPull(t, env, bureau.Token))
		if len(got) != 4 || got["visit/"+outside.ID].Op != "upsert" {
			t.Fatalf("county bureau pull: %+v", got)
		}
		if got := byKey(firstPull(t, env, env.Admin())); len(got) != 4 {
			t.Fatalf("admin pull: %+v", got)
		}
		stranger := env.NewUser("bureau", "330825")
		if got := firstPull(t, env, stranger.Token); len(got) != 0 {
			t.Fatalf("another county's bureau pulled %+v", got)
		}
	})
}

func firstPull(t *testing.T, env *testenv.Env, token string) []pulled {
	t.Helper()
	changes, _ := pullAll(t, env, token, "", 500)
	return changes
}

func TestPullRefusesBadInput(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		c := env.NewUser("commissioner", "330824")
		cases := []struct {
			name, query, token string
			status             int
			code               string
		}{
			{"no token", "", "", http.StatusUnauthorized, "unauthorized"},
			{"garbage cursor", "?cursor=%21%21", c.Token, http.StatusBadRequest, "bad_request"},
			{"foreign cursor", "?cursor=MTIz", c.Token, http.StatusBadRequest, "bad_request"},
			{"limit 0", "?limit=0", c.Token, http.StatusBadRequest, "bad_request"},
			{"limit 501", "?limit=501", c.Token, http.StatusBadRequest, "bad_request"},
			{"ok", "?limit=500", c.Token, http.StatusOK, ""},
		}
		for _, tc := range cases {
			r := env.Do("GET", "/api/v1/sync/pull"+tc.query, tc.token, nil)
			if r.Status != tc.status || r.ErrorCode() != tc.code {
				t.Errorf("%s: %d %s", tc.name, r.Status, r.Body)
			}
		}
	})
}
