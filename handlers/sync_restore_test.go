package handlers_test

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// TestPullAfterARestore: the database is restored from a backup taken
// before the phone's last pull, so the log has lost the changes after the
// backup and hands their seqs to new changes. The phone's cursor then
// names a change the log does not hold: its pull starts again from the
// beginning and brings the records written after the restore, which a
// plain "seq > cursor" would skip for ever.
func TestPullAfterARestore(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		w := newWorld(t, env)
		tok := w.owner.Token
		visit := func() string {
			res := env.Do("POST", "/api/v1/visits", tok, visitBody(villageA, 1))
			mustStatus(t, res, http.StatusCreated, "visit")
			return res.JSON()["id"].(string)
		}
		kept := visit()
		_, _ = pullAll(t, env, tok, "", 50)
		var backup int64
		env.DB().Raw("SELECT watermark FROM sync_state WHERE id = 1").Scan(&backup)

		lost := visit()
		lost2 := visit()
		_, cursor := pullAll(t, env, tok, "", 50) // the phone pulled past the backup point
		var before int64
		env.DB().Raw("SELECT watermark FROM sync_state WHERE id = 1").Scan(&before)

		// The restore: the log and the records as they were at the backup.
		db := env.DB()
		for _, q := range []string{"DELETE FROM changes WHERE seq > ?", "UPDATE sync_state SET watermark = ? WHERE id = 1"} {
			if err := db.Exec(q, backup).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Exec("DELETE FROM visits WHERE id IN (?, ?)", lost, lost2).Error; err != nil {
			t.Fatal(err)
		}

		// Beyond the head: the phone's pull starts again.
		changes, _ := pullAll(t, env, tok, cursor, 50)
		got := byKey(changes)
		if _, ok := got["visit/"+kept]; !ok {
			t.Errorf("a cursor beyond the restored head: %d changes, without the kept visit", len(changes))
		}

		// New records take the lost seqs again, up to and past the cursor's.
		var fresh []string
		for range 6 {
			fresh = append(fresh, visit())
			var head int64
			env.DB().Raw("SELECT watermark FROM sync_state WHERE id = 1").Scan(&head)
			if head > before {
				break
			}
		}
		changes, _ = pullAll(t, env, tok, cursor, 50)
		got = byKey(changes)
		for _, id := range fresh {
			if _, ok := got["visit/"+id]; !ok {
				t.Errorf("visit %s written after the restore is not pulled from the old cursor (%d changes)", id, len(changes))
			}
		}
		for _, id := range []string{lost, lost2} {
			if c, ok := got["visit/"+id]; ok {
				t.Errorf("visit %s lost in the restore is pulled: %v", id, c)
			}
		}
	})
}

// TestPullTakesCursorsWithoutMark: a cursor handed out before cursors
// carried a mark ("c1:<seq>") still resumes where it says; a mark that is
// not hexadecimal is a 400.
func TestPullTakesCursorsWithoutMark(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		w := newWorld(t, env)
		tok := w.owner.Token
		mustStatus(t, env.Do("POST", "/api/v1/visits", tok, visitBody(villageA, 1)), http.StatusCreated, "first visit")
		var seq int64
		env.DB().Raw("SELECT watermark FROM sync_state WHERE id = 1").Scan(&seq)
		res := env.Do("POST", "/api/v1/visits", tok, visitBody(villageA, 2))
		mustStatus(t, res, http.StatusCreated, "second visit")
		second := res.JSON()["id"].(string)

		old := base64.RawURLEncoding.EncodeToString([]byte("c1:" + strconv.FormatInt(seq, 10)))
		changes, _ := pullAll(t, env, tok, old, 50)
		got := byKey(changes)
		if _, ok := got["visit/"+second]; len(got) != 1 || !ok {
			t.Errorf("from an unmarked cursor at seq %d: %v, want the second visit alone", seq, got)
		}
		bad := base64.RawURLEncoding.EncodeToString([]byte("c1:" + strconv.FormatInt(seq, 10) + ".zz"))
		mustStatus(t, env.Do("GET", "/api/v1/sync/pull?cursor="+bad, tok, nil), http.StatusBadRequest, "a mark that is not hex")
	})
}
