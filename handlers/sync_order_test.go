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

// naivePull is what a plain "seq > cursor" read of the change log answers:
// the record ids of the commissioner's changes after cursor, and the new
// cursor.
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

func hasID(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func pulledIDs(pages ...pullPage) []string {
	var ids []string
	for _, p := range pages {
		for _, c := range p.Changes {
			ids = append(ids, recID(c.Record))
		}
	}
	return ids
}

// Transaction A writes its visit first but commits after B (on MySQL B
// commits while A is open, through another node of a cluster when there
// is one). A pull between the two commits brings B; A, committed later,
// gets a seq above B's and comes with the next pull, however long it
// stayed open. (SQLite has one writer: B waits for A.)
func TestPullDeliversTransactionsCommittedOutOfOrder(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", "330824")
		// The commissioner's latest visit is later than A's and B's, so
		// that neither raises the latest day of its rows of county, city
		// and province (stat_commissioners), which both share.
		latest := draftVisit(me.Commissioner, huashan, time.Date(2025, 12, 1, 2, 0, 0, 0, time.UTC))
		if err := env.DB().Tx(context.Background(), func(tx *gorm.DB) error { return insertVisitTx(tx, latest) }); err != nil {
			t.Fatal(err)
		}
		_, cursor := pullAll(t, env, me.Token, "", 500)
		_, naiveCursor := naivePull(t, env, me.Commissioner.ID, 0)

		a := draftVisit(me.Commissioner, huashan, time.Date(2024, 6, 1, 2, 0, 0, 0, time.UTC))
		aWritten, release := make(chan struct{}), make(chan struct{})
		aDone := make(chan error, 1)
		var once sync.Once
		free := func() { once.Do(func() { close(release) }) }
		defer func() { free(); <-aDone }()
		go func() {
			aDone <- env.DB().Tx(context.Background(), func(tx *gorm.DB) error {
				if err := insertVisitTx(tx, a); err != nil {
					return err
				}
				select {
				case <-aWritten:
				default:
					close(aWritten)
				}
				<-release
				return nil
			})
		}()
		select {
		case <-aWritten:
		case err := <-aDone:
			aDone <- err
			t.Fatalf("A ended before writing: %v", err)
		}
		// B touches no statistics row A holds (another village, another
		// year; of the rows of latest days they share, each only
		// share-locks them), so on MySQL it can commit while A is open.
		// TiDB has no shared row lock (a share lock is FOR UPDATE there)
		// and SQLite one writer: B waits for A.
		concurrent := env.Backend == "mysql" && env.DB().Engine != "tidb"
		b := draftVisit(me.Commissioner, jianfeng, time.Date(2025, 6, 2, 2, 0, 0, 0, time.UTC))
		bDone := make(chan error, 1)
		defer func() { <-bDone; bDone <- nil }()
		go func() {
			bDone <- env.OtherNode().Tx(context.Background(), func(tx *gorm.DB) error { return insertVisitTx(tx, b) })
		}()
		if concurrent {
			if err := <-bDone; err != nil {
				t.Fatal(err)
			}
			bDone <- nil
		}
		first := pull(t, env, me.Token, cursor, 500)
		naiveFirst, naiveCursor := naivePull(t, env, me.Commissioner.ID, naiveCursor)
		free()
		if err := <-aDone; err != nil {
			t.Fatal(err)
		}
		aDone <- nil
		if err := <-bDone; err != nil {
			t.Fatal(err)
		}
		bDone <- nil
		second := pull(t, env, me.Token, first.NextCursor, 500)
		naiveSecond, _ := naivePull(t, env, me.Commissioner.ID, naiveCursor)

		if ours := pulledIDs(first, second); !hasID(ours, a.ID) || !hasID(ours, b.ID) || len(ours) != 2 {
			t.Fatalf("pulls delivered %v; want A %s and B %s once each", ours, a.ID, b.ID)
		}
		if hasID(pulledIDs(first), a.ID) {
			t.Fatalf("first pull delivered A before it committed")
		}
		if concurrent {
			// B committed first: it was pulled first, and even a plain
			// "seq > cursor" read finds A afterwards (seqs follow commits).
			if ids := pulledIDs(first); len(ids) != 1 || ids[0] != b.ID {
				t.Fatalf("first pull delivered %v; want B %s alone", ids, b.ID)
			}
			if !hasID(naiveFirst, b.ID) || hasID(naiveFirst, a.ID) || !hasID(naiveSecond, a.ID) {
				t.Fatalf("seqs not in commit order: first %v, second %v", naiveFirst, naiveSecond)
			}
		}
	})
}

// A rolled-back transaction takes no seq: the log has no gap to wait for,
// and the pull right after the next commit delivers it. Both a
// transaction run through Tx and one begun by hand (which takes its seqs
// where it records its change) roll back cleanly.
func TestPullAfterRolledBackWriteDeliversAtOnce(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", "330824")
		_, cursor := pullAll(t, env, me.Token, "", 500)
		head, err := env.DB().Watermark(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		undone := draftVisit(me.Commissioner, huashan, time.Date(2024, 6, 1, 2, 0, 0, 0, time.UTC))
		err = env.DB().Tx(context.Background(), func(tx *gorm.DB) error {
			if err := insertVisitTx(tx, undone); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("tx: %v", err)
		}
		byHand := draftVisit(me.Commissioner, huashan, time.Date(2024, 6, 2, 2, 0, 0, 0, time.UTC))
		txA := env.DB().Begin()
		if err := insertVisitTx(txA, byHand); err != nil {
			txA.Rollback()
			t.Fatal(err)
		}
		if err := txA.Rollback().Error; err != nil {
			t.Fatal(err)
		}
		b := storeVisit(t, env, me.Commissioner, huashan)
		first := pull(t, env, me.Token, cursor, 500)
		if ids := pulledIDs(first); len(ids) != 1 || ids[0] != b.ID {
			t.Fatalf("pull after the rolled-back writes delivered %v; want B %s alone", ids, b.ID)
		}
		var seqs []int64
		if err := env.DB().Model(&models.ChangeRow{}).Where("seq > ?", head).Order("seq").Pluck("seq", &seqs).Error; err != nil {
			t.Fatal(err)
		}
		if len(seqs) != 1 || seqs[0] != head+1 {
			t.Fatalf("change log after head %d: %v; want B's change alone at %d", head, seqs, head+1)
		}
	})
}

// Many writers (on two nodes of a cluster when there is one) hold
// transactions open for random times, some roll back, while a phone keeps
// pulling: in the end it has every committed visit and none of the
// rolled-back ones. When the test fails, the writers stop before it ends.
func TestPullUnderConcurrentWritersSkipsNothing(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", "330824")
		nodes := []*models.DB{env.DB(), env.OtherNode()}
		const writers, each = 6, 12
		var mu sync.Mutex
		committed, rolledBack := map[string]bool{}, map[string]bool{}
		var failures []error
		var wg sync.WaitGroup
		stop := make(chan struct{})
		defer func() { close(stop); wg.Wait() }()
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(w), 7))
				db := nodes[w%len(nodes)]
				for i := range each {
					select {
					case <-stop:
						return
					default:
					}
					v := draftVisit(me.Commissioner, huashan, time.Date(2024, 6, 1+i, 2, 0, 0, 0, time.UTC))
					undo := rng.IntN(5) == 0
					err := db.Tx(context.Background(), func(tx *gorm.DB) error {
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
						failures = append(failures, err)
					default:
						committed[v.ID] = true
					}
					mu.Unlock()
				}
			}()
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()

		seen := map[string]int{}
		cursor := ""
		collect := func() {
			var changes []pulled
			changes, cursor = pullAll(t, env, me.Token, cursor, 7)
			for _, c := range changes {
				seen[recID(c.Record)]++
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
		collect()
		for _, err := range failures {
			t.Error(err)
		}
		for id := range committed {
			if seen[id] != 1 {
				t.Errorf("committed visit %s pulled %d times, want once", id, seen[id])
			}
		}
		for id := range rolledBack {
			if seen[id] != 0 {
				t.Errorf("rolled-back visit %s pulled", id)
			}
		}
		if len(committed) == 0 {
			t.Fatal("no writes committed")
		}
	})
}

var errRollback = errors.New("roll back on purpose")

// A change log written before seqs were handed out at commit (or by a
// repair that bypasses the head) may hold seqs above the head: new seqs go
// above them, never onto them, and a pull delivers both.
func TestChangeLogHeadStartsAboveOlderSeqs(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", "330824")
		_, cursor := pullAll(t, env, me.Token, "", 500)
		head, err := env.DB().Watermark(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		old := draftVisit(me.Commissioner, huashan, time.Date(2024, 6, 1, 2, 0, 0, 0, time.UTC))
		if err := env.DB().Create(old).Error; err != nil {
			t.Fatal(err)
		}
		legacy := models.ChangeRow{Seq: head + 5, RecordType: "visit", RecordID: old.ID, Op: "upsert",
			CommissionerID: me.Commissioner.ID, RegionCode: huashan, At: models.Now()}
		if err := env.DB().Create(&legacy).Error; err != nil {
			t.Fatal(err)
		}
		b := storeVisit(t, env, me.Commissioner, huashan)
		var seq int64
		if err := env.DB().Model(&models.ChangeRow{}).Where("record_id = ?", b.ID).Pluck("seq", &seq).Error; err != nil {
			t.Fatal(err)
		}
		if seq != head+6 {
			t.Fatalf("new change got seq %d, want %d (above the older %d)", seq, head+6, head+5)
		}
		got := pulledIDs(pull(t, env, me.Token, cursor, 500))
		if len(got) != 2 || !hasID(got, old.ID) || !hasID(got, b.ID) {
			t.Fatalf("pull delivered %v; want the older change %s and the new %s", got, old.ID, b.ID)
		}
	})
}
