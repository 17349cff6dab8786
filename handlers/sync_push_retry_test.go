package handlers_test

import (
	"bytes"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
)

// rawPush sends a push without failing the test (for concurrent senders)
// and returns the status and results.
func rawPush(env *testenv.Env, token string, body map[string]any) (int, []pushed, error) {
	buf, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", env.Server.URL+"/api/v1/sync/push", bytes.NewReader(buf))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := env.Server.Client().Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out struct {
		Results []pushed `json:"results"`
	}
	_ = json.Unmarshal(b, &out)
	return res.StatusCode, out.Results, nil
}

// A phone pushes 10 batches of 10 visits over a network that drops one
// answer in five: it never sees those answers and sends the whole push
// again — here at once, while the first is still being applied, and until
// it gets an answer. Every visit must end up stored exactly once.
func TestPushWithDroppedResponsesStoresEachRecordOnce(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", "330824")
		rng := rand.New(rand.NewPCG(4, 20))
		var ids []string
		dropped := 0
		for batch := range 10 {
			var changes []map[string]any
			for i := range 10 {
				v := visitBody([]string{huashan, jianfeng, xiazhuang}[i%3], 1+(batch+i)%5)
				ids = append(ids, v["id"].(string))
				changes = append(changes, upsert("visit", v, 0))
			}
			body := pushBody(changes...)
			var wg sync.WaitGroup
			if rng.IntN(5) == 0 {
				dropped++
				wg.Add(1)
				go func() { defer wg.Done(); _, _, _ = rawPush(env, me.Token, body) }()
			}
			results := pushUntilAnswered(t, env, me.Token, body)
			wg.Wait()
			for i, r := range results {
				if r.Status != "created" && r.Status != "unchanged" {
					t.Fatalf("batch %d change %d: %+v", batch, i, r)
				}
			}
		}
		if dropped == 0 {
			t.Fatal("no answer was dropped; pick another seed")
		}
		var rows []struct {
			ID string
			N  int
		}
		env.DB().Table("visits").Select("id, COUNT(*) AS n").Where("id IN ?", ids).Group("id").Find(&rows)
		if len(rows) != len(ids) {
			t.Fatalf("%d of %d visits stored", len(rows), len(ids))
		}
		var creates int64
		env.DB().Table("changes").Where("record_type = 'visit' AND record_id IN ?", ids).Count(&creates)
		if creates != int64(len(ids)) {
			t.Fatalf("%d change-log rows for %d visits: some were written twice", creates, len(ids))
		}
	})
}

// pushUntilAnswered retries a push (at most 5 times) until it is answered
// 200, as a phone does after a failure.
func pushUntilAnswered(t *testing.T, env *testenv.Env, token string, body map[string]any) []pushed {
	t.Helper()
	for range 5 {
		status, results, err := rawPush(env, token, body)
		if err == nil && status == http.StatusOK {
			return results
		}
	}
	t.Fatal("push never answered 200")
	return nil
}

// A change of a push loses a race with another writer of the same record
// while the push's batch is being written: the batch is rolled back and
// its changes applied one by one, so that only that change fails.
func TestPushIsolatesAChangeThatLosesARace(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", "330824")
		a, x, b := visitBody(huashan, 1), visitBody(huashan, 2), visitBody(jianfeng, 1)
		rival := draftVisit(me.Commissioner, huashan, time.Date(2024, 5, 1, 1, 0, 0, 0, time.UTC))
		rival.ID = x["id"].(string)
		tx := env.DB().Begin()
		if err := insertVisitTx(tx, rival); err != nil {
			t.Fatal(err)
		}
		type answer struct {
			status  int
			results []pushed
			err     error
		}
		done := make(chan answer, 1)
		go func() {
			s, rs, err := rawPush(env, me.Token, pushBody(upsert("visit", a, 0), upsert("visit", x, 0), upsert("visit", b, 0)))
			done <- answer{s, rs, err}
		}()
		// Give the push time to reach its write (a delay, not an assertion:
		// the outcome is the same if it has not).
		time.Sleep(300 * time.Millisecond)
		if err := tx.Commit().Error; err != nil {
			t.Fatal(err)
		}
		ans := <-done
		if ans.err != nil || ans.status != http.StatusOK {
			t.Fatalf("push: %d %v", ans.status, ans.err)
		}
		if !sameList(statuses(ans.results), "created", "conflict", "created") {
			t.Fatalf("results: %+v", ans.results)
		}
		if n := visitsStored(t, env, a["id"].(string), x["id"].(string), b["id"].(string)); n != 3 {
			t.Fatalf("%d visits stored, want 3", n)
		}
	})
}
