package handlers_test

import (
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/phototest"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// interruptRounds is how many uploads testTusInterruptedOften interrupts.
const interruptRounds = 12

// A phone that loses its signal mid-PATCH and comes back asks the offset
// while its old PATCH still holds the upload: the server stops the old
// request and answers. Done many times over, under the race detector this
// catches tusd's unsynchronised body reader (tusd issue 1192), which the
// server must never let a release request reach before the body is set.
func testTusInterruptedOften(t *testing.T, env *testenv.Env) {
	alice := env.NewUser(models.RoleCommissioner, townshipHuabu)
	visit := newVisit(t, env, alice.Commissioner, villageHuayang, photoTime(2024, 5, 23, 9, 0))
	c := tusClient{t: t, env: env, token: alice.Token}
	for round := range interruptRounds {
		data := phototest.JPEG(160, 120, 100+round, nil)
		id := models.NewID()
		loc := c.create(len(data), photoFields(id, "visit", visit.ID)).header.Get("Location")
		if loc == "" {
			t.Fatalf("round %d: no upload created", round)
		}
		interruptPatch(t, c, loc, data, len(data)/2)
		off, status := c.offset(loc)
		if status != http.StatusOK || off > int64(len(data)/2) {
			t.Fatalf("round %d: HEAD %d, offset %d of %d sent", round, status, off, len(data)/2)
		}
		if r := c.patch(loc, off, data[off:]); r.status != http.StatusNoContent || r.header.Get("Photo-Id") != id {
			t.Fatalf("round %d: resume from %d: %d %s", round, off, r.status, r.body)
		}
		var p photoResp
		env.Do("GET", "/api/v1/photos/"+id, alice.Token, nil).Decode(t, &p)
		if p.SHA256 != sha(data) || p.Size != int64(len(data)) {
			t.Fatalf("round %d: photo %+v", round, p)
		}
	}
}

// interruptPatch starts a PATCH that sends cut bytes of data and then
// stalls, and asks the offset (as the same phone, back in signal) until the
// server has stopped that PATCH. Each offset request waits for the lock,
// which the stalled PATCH is asked to let go; one that comes before the
// PATCH took the lock answers at once, and the next is asked a little
// later (a poll bounded in count, so that the PATCH gets its turn).
func interruptPatch(t *testing.T, c tusClient, loc string, data []byte, cut int) {
	t.Helper()
	pr, pw := io.Pipe()
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		_, _ = pw.Write(data[:cut])
	}()
	done := make(chan *tusResp, 1)
	go func() {
		r, _ := c.do("PATCH", loc, pr, int64(len(data)), "Content-Type", "application/offset+octet-stream", "Upload-Offset", "0")
		done <- r
	}()
	defer func() {
		pw.CloseWithError(errors.New("signal lost"))
		<-wrote
	}()
	for range 500 {
		if _, status := c.offset(loc); status != http.StatusOK {
			t.Fatalf("HEAD during the stalled PATCH: %d", status)
		}
		select {
		case r := <-done:
			if r != nil && r.status == http.StatusNoContent {
				t.Fatalf("the stalled PATCH completed")
			}
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
	pw.CloseWithError(errors.New("signal lost"))
	<-done
	t.Fatalf("the stalled PATCH was never stopped")
}
