package server_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
	"github.com/tepai/tepai/server"
)

// Replicas started at once on a new database all come up: the schema is
// migrated once and the configured admin exists once.
func TestReplicasStartingTogetherOnANewDatabase(t *testing.T) {
	backends := []string{"sqlite"}
	if testenv.MySQLAvailable() {
		backends = append(backends, "mysql")
	}
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			cfg := testenv.Config(t, backend)
			const replicas = 3
			apps := make([]*server.App, replicas)
			errs := make([]error, replicas)
			var wg sync.WaitGroup
			for i := range replicas {
				wg.Add(1)
				go func() {
					defer wg.Done()
					apps[i], errs[i] = server.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
				}()
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("replica %d: %v", i, err)
					continue
				}
				defer apps[i].Close()
			}
			if t.Failed() {
				return
			}
			db := apps[0].Deps.DB
			var admins int64
			if err := db.Model(&models.User{}).Where("role = ?", models.RoleAdmin).Count(&admins).Error; err != nil {
				t.Fatal(err)
			}
			if admins != 1 {
				t.Errorf("%d admins, want 1", admins)
			}
			ms, err := db.Migrations()
			if err != nil {
				t.Fatal(err)
			}
			var applied int64
			if err := db.Table("schema_migrations").Count(&applied).Error; err != nil {
				t.Fatal(err)
			}
			if applied != int64(len(ms)) {
				t.Errorf("%d migrations recorded, want %d", applied, len(ms))
			}
		})
	}
}
