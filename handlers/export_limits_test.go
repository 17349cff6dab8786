package handlers_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"
)

// exportVisitCount is how many visits the concurrency fixture holds: more
// than one page of an export.
const exportVisitCount = 600

// seedExportVisits stores n visits of one commissioner at 华阳村 of 华埠镇,
// one a minute from 2024-05-01 08:00 (Asia/Shanghai).
func seedExportVisits(t *testing.T, env *testenv.Env, n int) {
	t.Helper()
	c := env.NewUser(models.RoleCommissioner, "330824115").Commissioner
	start := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	visits := make([]models.Visit, n)
	for i := range visits {
		s := start.Add(time.Duration(i) * time.Minute)
		visits[i] = models.Visit{Meta: models.Meta{ID: models.NewID(), CommissionerID: c.ID, Version: 1, CreatedAt: s, UpdatedAt: s},
			VillageCode: "330824115200", StartedAt: s, EndedAt: s.Add(time.Hour), VisitDate: "2024-05-01", Category: "栽培技术", ReceivedAt: s}
	}
	if err := env.DB().Session(&gorm.Session{CreateBatchSize: 100}).Create(&visits).Error; err != nil {
		t.Fatal(err)
	}
}

// exportResult is what one concurrent export saw.
type exportResult struct {
	rows int
	err  error
}

// startExport requests an export and reads its first byte; then, once
// release is closed, the rest, and counts its data rows.
func startExport(ctx context.Context, env *testenv.Env, token, format string, first chan<- error, release <-chan struct{}, out chan<- exportResult) {
	req, _ := http.NewRequestWithContext(ctx, "GET", env.Server.URL+"/api/v1/visits?format="+format, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := env.Server.Client().Do(req)
	if err == nil && res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		err = fmt.Errorf("status %d: %s", res.StatusCode, b)
	}
	head := make([]byte, 1)
	if err == nil {
		_, err = io.ReadFull(res.Body, head)
	}
	first <- err
	if err != nil {
		out <- exportResult{err: err}
		return
	}
	defer res.Body.Close()
	<-release
	rest, err := io.ReadAll(res.Body)
	if err != nil {
		out <- exportResult{err: err}
		return
	}
	out <- countExportRows(format, append(head, rest...))
}

func countExportRows(format string, body []byte) exportResult {
	if format == "csv" {
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF")))).ReadAll()
		return exportResult{rows: len(rows) - 1, err: err}
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		return exportResult{err: err}
	}
	defer x.Close()
	rows, err := x.GetRows(x.GetSheetName(0))
	return exportResult{rows: len(rows) - 1, err: err}
}

// Twenty exports of 600 visits at once (ten users, two each: CSV and a
// workbook), all held open by clients that stop reading after their first
// byte: none waits on another, a login and the readiness probe still
// answer while they are open, and each export then completes with every
// row. On SQLite the pool has four connections: an export that held a
// cursor while it needed a second connection for names hung them all.
func TestConcurrentExportsComplete(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		seedExportVisits(t, env, exportVisitCount)
		const users, perUser = 10, models.ExportsPerUser
		first := make(chan error, users*perUser)
		out := make(chan exportResult, users*perUser)
		release := make(chan struct{})
		tokens := make([]string, users)
		for i := range tokens {
			tokens[i] = env.NewUser(models.RoleBureau, "330824").Token
		}
		// Hanging up ends the exports should they stall, so that the
		// server can stop.
		ctx, hangUp := context.WithCancel(context.Background())
		defer hangUp()
		for _, token := range tokens {
			go startExport(ctx, env, token, "csv", first, release, out)
			go startExport(ctx, env, token, "xlsx", first, release, out)
		}
		// A generous bound: each export needs well under a second alone,
		// and a few seconds under the race detector on a loaded machine.
		stalled := time.After(5 * time.Minute)
		for i := range users * perUser {
			select {
			case err := <-first:
				if err != nil {
					t.Errorf("export %d: %v", i, err)
				}
			case <-stalled:
				hangUp()
				close(release)
				t.Fatalf("only %d of %d exports started within five minutes", i, users*perUser)
			}
		}
		// Every export is open, none read to its end.
		login := env.Do("POST", "/api/v1/auth/login", "", map[string]string{"phone": testenv.AdminPhone, "password": testenv.AdminPassword})
		ready := env.Do("GET", "/readyz", "", nil)
		close(release)
		if login.Status != http.StatusOK || ready.Status != http.StatusOK {
			t.Errorf("during the exports: login %d, readyz %d", login.Status, ready.Status)
		}
		for range users * perUser {
			if r := <-out; r.err != nil || r.rows != exportVisitCount {
				t.Errorf("export: %d rows, %v", r.rows, r.err)
			}
		}
	})
}

// A user runs at most two exports at once, counted in the database so
// that every replica sees the same slots: with both taken (as by exports
// on another replica) a third is 429 with Retry-After; one ended frees its
// slot; a slot whose lease lapsed (a replica that died mid-export) is
// taken over; and exports one after another never run out of slots.
func TestExportSlots(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		seedExportVisits(t, env, 3)
		u := env.NewUser(models.RoleBureau, "330824")
		ctx := context.Background()
		a, errA := env.DB().TakeExportSlot(ctx, u.User.ID)
		b, errB := env.DB().TakeExportSlot(ctx, u.User.ID)
		if a == nil || b == nil || errA != nil || errB != nil {
			t.Fatalf("take two slots: %v %v", errA, errB)
		}
		for _, path := range []string{"/api/v1/visits?format=csv", "/api/v1/stats/summary?year=2024&format=xlsx"} {
			r := env.Do("GET", path, u.Token, nil)
			if r.Status != http.StatusTooManyRequests || r.ErrorCode() != "rate_limited" || r.Header.Get("Retry-After") != "10" {
				t.Errorf("%s with both slots taken: %d %q %s", path, r.Status, r.Header.Get("Retry-After"), r.Body)
			}
		}
		// Another user is not affected.
		other := env.NewUser(models.RoleBureau, "330824")
		mustStatus(t, env.Do("GET", "/api/v1/visits?format=csv", other.Token, nil), http.StatusOK, "another user's export")

		if err := a.Release(ctx); err != nil {
			t.Fatal(err)
		}
		mustStatus(t, env.Do("GET", "/api/v1/visits?format=csv", u.Token, nil), http.StatusOK, "export with a slot freed")

		// b's replica died: its lease lapses, and the slot is taken over.
		err := env.DB().Exec("UPDATE export_leases SET held_until = ? WHERE user_id = ? AND holder <> ''",
			models.Now().Add(-time.Second), u.User.ID).Error
		if err != nil {
			t.Fatal(err)
		}
		held, err := env.DB().TakeExportSlot(ctx, u.User.ID)
		if err != nil || held == nil {
			t.Fatalf("take over a lapsed slot: %v", err)
		}
		if err := held.Release(ctx); err != nil {
			t.Fatal(err)
		}
		for i := range 5 {
			r := env.Do("GET", "/api/v1/visits?format=xlsx", u.Token, nil)
			if r.Status != http.StatusOK || !strings.HasPrefix(string(r.Body), "PK") {
				t.Fatalf("export %d in a row: %d", i, r.Status)
			}
		}
	})
}
