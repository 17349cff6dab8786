package models_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// Writers on two Galera nodes, many at once on each, as two replicas under
// a province's phones: each transaction logs a change, so each raises the
// head of the change log just before its commit. A commit on one node
// aborts the transactions that hold or wait for the head's lock on the
// other, and Tx runs them again; every transaction must still commit (a
// queue of local writers waiting for that lock inside the engine was
// aborted whole at each remote commit, until some ran out of attempts),
// and the log must hold each change once, on seqs without a gap.
func TestTxWritersOnTwoNodesAllCommit(t *testing.T) {
	env, nodes := galeraNodes(t, "writers on two servers would share no head")
	const writers, each = 64, 6 // per node
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	before, err := env.DB().Watermark(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var failures []error
	var wg sync.WaitGroup
	for n, db := range nodes {
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					id := fmt.Sprintf("probe-%d-%d-%d", n, w, i)
					err := db.Tx(ctx, func(tx *gorm.DB) error {
						return models.RecordChange(tx, models.Change{Type: "region", ID: id, Action: models.ActionUpdate, RegionCode: "330824"})
					})
					if err != nil {
						mu.Lock()
						failures = append(failures, fmt.Errorf("%s: %w", id, err))
						mu.Unlock()
					}
				}
			}()
		}
	}
	wg.Wait()
	t.Logf("%d transactions run again", nodes[0].TxRetries()+nodes[1].TxRetries())
	for i, err := range failures {
		if i == 5 {
			t.Errorf("… %d failed in all", len(failures))
			break
		}
		t.Error(err)
	}
	var got struct {
		Rows, IDs int64
	}
	err = env.DB().Raw("SELECT COUNT(*) AS `rows`, COUNT(DISTINCT record_id) AS ids FROM changes WHERE record_id LIKE 'probe-%'").
		Scan(&got).Error
	if err != nil {
		t.Fatal(err)
	}
	want := int64(len(nodes) * writers * each)
	if got.Rows != want || got.IDs != want {
		t.Fatalf("change log holds %d rows of %d probes, want %d of %d", got.Rows, got.IDs, want, want)
	}
	var all int64
	if err := env.DB().Raw("SELECT COUNT(*) FROM changes WHERE seq > ?", before).Row().Scan(&all); err != nil {
		t.Fatal(err)
	}
	var head int64
	if head, err = env.DB().Watermark(ctx); err != nil {
		t.Fatal(err)
	}
	if all != want || head != before+want {
		t.Fatalf("after %d changes the log has %d rows above %d and its head is %d, want %d rows and head %d",
			want, all, before, head, want, before+want)
	}
}
