package handlers_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// naivePull is what a plain "seq > cursor" pull would answer: the record
// ids of the commissioner's changes after cursor, and the new cursor.
func naivePull(t *testing.T, env *testenv.Env, commissionerID string, cursor int64) ([]string, int64) {
	t.Helper()
	var rows []models.ChangeRow
	if err := env.DB().Where("commissioner_id = ? AND seq > ?", commissionerID, cursor).Order("seq").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rows {
		ids, cursor = append(ids, r.RecordID), r.Seq
	}
	return ids, cursor
}

// ageGaps makes every recorded gap of the change log look older than the
// grace period, as if the pulls had come minutes later.
func ageGaps(t *testing.T, env *testenv.Env) {
	t.Helper()
	if err := env.DB().Exec("UPDATE change_gaps SET seen_at = ?", models.Now().Add(-time.Hour)).Error; err != nil {
		t.Fatal(err)
	}
}

func hasID(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// Transaction A takes its seq first but commits after B. A naive cursor
// moves past A when it reads B; the pull must still deliver A, also when
// the wait outlasts the grace period (A's transaction is still open).
func TestPullDeliversTransactionsCommittedOutOfOrder(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", "330824")
		storeVisit(t, env, me.Commissioner, huashan)
		_, cursor := pullAll(t, env, me.Token, "", 500)
		_, naiveCursor := naivePull(t, env, me.Commissioner.ID, 0)

		a := draftVisit(me.Commissioner, huashan, time.Date(2024, 6, 1, 2, 0, 0, 0, time.UTC))
		txA := env.DB().Begin()
		if err := insertVisitTx(txA, a); err != nil {
			t.Fatal(err)
		}
		// B touches no statistics row A holds (another village, another
		// year), so on MySQL it can commit while A is open.
		b := draftVisit(me.Commissioner, jianfeng, time.Date(2025, 6, 2, 2, 0, 0, 0, time.UTC))
		bDone := make(chan error, 1)
		go func() {
			bDone <- env.DB().Tx(context.Background(), func(tx *gorm.DB) error { return insertVisitTx(tx, b) })
		}()
		if env.Backend == "mysql" {
			// B commits while A is open. (SQLite has one writer: B waits
			// for A, and commits follow seq order.)
			if err := <-bDone; err != nil {
				t.Fatal(err)
			}
		}
		first := pull(t, env, me.Token, cursor, 500)
		naiveFirst, naiveCursor := naivePull(t, env, me.Commissioner.ID, naiveCursor)
		if env.Backend == "mysql" {
			ageGaps(t, env) // (SQLite: A holds the one write lock)
		}
		second := pull(t, env, me.Token, first.NextCursor, 500)
		if err := txA.Commit().Error; err != nil {
			t.Fatal(err)
		}
		if env.Backend == "sqlite" {
			if err := <-bDone; err != nil {
				t.Fatal(err)
			}
		}
		third := pull(t, env, me.Token, second.NextCursor, 500)
		naiveSecond, _ := naivePull(t, env, me.Commissioner.ID, naiveCursor)

		var ours []string
		for _, p := range [][]pulled{first.Changes, second.Changes, third.Changes} {
			for _, c := range p {
				ours = append(ours, recID(c.Record))
			}
		}
		if !hasID(ours, a.ID) || !hasID(ours, b.ID) {
			t.Fatalf("pulls delivered %v; want A %s and B %s", ours, a.ID, b.ID)
		}
		if env.Backend == "mysql" {
			// The scenario really is the one that defeats a naive cursor.
			if !hasID(naiveFirst, b.ID) || hasID(naiveFirst, a.ID) || hasID(naiveSecond, a.ID) {
				t.Fatalf("naive cursor was not fooled: first %v, second %v", naiveFirst, naiveSecond)
			}
		}
	})
}

// A rolled-back transaction leaves a permanent hole in seq on MySQL: the
// pull waits for it for the grace period, then passes over it.
func TestPullPassesRolledBackGapAfterGrace(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", "330824")
		_, cursor := pullAll(t, env, me.Token, "", 500)
		txA := env.DB().Begin()
		if err := insertVisitTx(txA, draftVisit(me.Commissioner, huashan, time.Date(2024, 6, 1, 2, 0, 0, 0, time.UTC))); err != nil {
			t.Fatal(err)
		}
		if err := txA.Rollback().Error; err != nil {
			t.Fatal(err)
		}
		b := storeVisit(t, env, me.Commissioner, huashan)
		first := pull(t, env, me.Token, cursor, 500)
		if env.Backend == "mysql" && len(first.Changes) != 0 {
			t.Fatalf("pulled past a gap younger than the grace period: %+v", first.Changes)
		}
		ageGaps(t, env)
		second := pull(t, env, me.Token, first.NextCursor, 500)
		got := byKey(append(first.Changes, second.Changes...))
		if len(got) != 1 || got["visit/"+b.ID].Op != "upsert" {
			t.Fatalf("after the grace period: %+v", got)
		}
	})
}

// Many writers hold transactions open for random times, some roll back,
// while a phone keeps pulling: in the end it has every committed visit and
// none of the rolled-back ones.
func TestPullUnderConcurrentWritersSkipsNothing(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", "330824")
		const writers, each = 6, 12
		var mu sync.Mutex
		committed, rolledBack := map[string]bool{}, map[string]bool{}
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(w), 7))
				for i := range each {
					v := draftVisit(me.Commissioner, huashan, time.Date(2024, 6, 1+i, 2, 0, 0, 0, time.UTC))
					undo := rng.IntN(5) == 0
					err := env.DB().Tx(context.Background(), func(tx *gorm.DB) error {
						if err := insertVisitTx(tx, v); err != nil {
							return err
						}
						time.Sleep(time.Duration(rng.IntN(15)) * time.Millisecond)
						if undo {
							return errRollback
						}
						return nil
					})
					mu.Lock()
					switch {
					case errors.Is(err, errRollback):
						rolledBack[v.ID] = true
					case err != nil:
						t.Error(err)
					default:
						committed[v.ID] = true
					}
					mu.Unlock()
				}
			}()
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()

		seen := map[string]bool{}
		cursor := ""
		collect := func() {
			var changes []pulled
			changes, cursor = pullAll(t, env, me.Token, cursor, 7)
			for _, c := range changes {
				seen[recID(c.Record)] = true
			}
		}
	loop:
		for range 2000 {
			select {
			case <-done:
				break loop
			default:
				collect()
			}
		}
		<-done
		ageGaps(t, env)
		collect()
		ageGaps(t, env)
		collect()
		for id := range committed {
			if !seen[id] {
				t.Errorf("committed visit %s never pulled", id)
			}
		}
		for id := range rolledBack {
			if seen[id] {
				t.Errorf("rolled-back visit %s pulled", id)
			}
		}
		if len(committed) == 0 {
			t.Fatal("no writes committed")
		}
	})
}

var errRollback = errors.New("roll back on purpose")
