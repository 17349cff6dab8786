package handlers_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/server"
)

// TestRefreshGraceAcrossReplicas: the refresh grace lives in the
// database, so two replicas on one database answer a refresh token sent
// to both at once (and again to either) with the same pair.
func TestRefreshGraceAcrossReplicas(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		cfg := env.Config
		cfg.NoMigrate = true
		other, err := server.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(other.Echo)
		defer func() { srv.Close(); other.Close() }()

		u := env.NewUser("commissioner", kaihua)
		tok := login(newPeopleAPI(t, env), u.User.Phone, u.Password)
		body := `{"refresh_token":"` + tok["refresh_token"].(string) + `"}`
		refresh := func(base string) (int, map[string]any) {
			res, err := http.Post(base+"/api/v1/auth/refresh", "application/json", strings.NewReader(body))
			if err != nil {
				return 0, nil
			}
			defer res.Body.Close()
			var out map[string]any
			_ = json.NewDecoder(res.Body).Decode(&out)
			return res.StatusCode, out
		}
		bases := []string{env.Server.URL, srv.URL}
		statuses := make([]int, 2)
		pairs := make([]map[string]any, 2)
		var wg sync.WaitGroup
		for i, base := range bases {
			wg.Add(1)
			go func() { defer wg.Done(); statuses[i], pairs[i] = refresh(base) }()
		}
		wg.Wait()
		if statuses[0] != 200 || statuses[1] != 200 || pairs[0]["refresh_token"] != pairs[1]["refresh_token"] ||
			pairs[0]["access_token"] != pairs[1]["access_token"] {
			t.Fatalf("replicas answered %v: %v and %v", statuses, pairs[0], pairs[1])
		}
		for _, base := range bases {
			if status, again := refresh(base); status != 200 || again["refresh_token"] != pairs[0]["refresh_token"] {
				t.Fatalf("retry on %s: %d %v", base, status, again)
			}
		}
	})
}
