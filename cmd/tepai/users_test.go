package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tepai/tepai/auth"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

var temporaryLine = regexp.MustCompile(`^temporary password for (1[0-9]{10}): ([a-z2-9]{12})\n`)

// runUsers runs a users command and returns the temporary password it
// printed for phone.
func runUsers(t *testing.T, base []string, sub, phone string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if err := run(append([]string{"users", sub, "--phone", phone, "--bcrypt-cost", "4"}, base...), &stdout, &stderr); err != nil {
		t.Fatalf("users %s: %v\n%s", sub, err, stderr.String())
	}
	m := temporaryLine.FindStringSubmatch(stdout.String())
	if m == nil || m[1] != phone {
		t.Fatalf("users %s printed %q", sub, stdout.String())
	}
	return m[2]
}

// TestUsersCommands creates an admin on the command line, then resets the
// password of a disabled user with a live login: each prints a temporary
// password that signs in and must be changed, the reset ends the login
// and enables the account, and both are audited.
func TestUsersCommands(t *testing.T) {
	backends := []string{"sqlite"}
	if testenv.MySQLAvailable() {
		backends = append(backends, "mysql")
	}
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			cfg := testenv.Config(t, backend)
			base := []string{"--data-dir", cfg.DataDir}
			if cfg.MySQLDSN != "" {
				base = append(base, "--mysql-dsn", cfg.MySQLDSN)
			}
			t.Setenv("TEPAI_MYSQL_DSN", "") // the database is the flag's
			pw := runUsers(t, base, "create-admin", "13812345678")
			db, err := models.Open(cfg.MySQLDSN, cfg.DataDir)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ctx := context.Background()
			admin, err := db.UserByPhone(ctx, "13812345678")
			if err != nil {
				t.Fatal(err)
			}
			if admin.Role != "admin" || admin.RegionCode != "" || !admin.MustChangePassword || !admin.Active || !auth.CheckPassword(admin.PasswordHash, pw, 4) {
				t.Fatalf("created admin: %+v", admin)
			}
			var stdout, stderr bytes.Buffer
			err = run(append([]string{"users", "create-admin", "--phone", "13812345678"}, base...), &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), "already registered") {
				t.Fatalf("second create-admin: %v", err)
			}

			// A disabled user with a live login.
			if _, err := db.SetActive(ctx, admin.ID, false, models.Attribution{Actor: &models.Principal{Role: "cli"}}); err != nil {
				t.Fatal(err)
			}
			g, err := db.StartSession(ctx, *admin, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			reset := runUsers(t, base, "reset-password", "13812345678")
			after, _ := db.UserByPhone(ctx, "13812345678")
			if reset == pw || !auth.CheckPassword(after.PasswordHash, reset, 4) || auth.CheckPassword(after.PasswordHash, pw, 4) ||
				!after.MustChangePassword || !after.Active {
				t.Fatalf("after reset: %+v", after)
			}
			if _, err := db.LoadPrincipal(ctx, admin.ID, g.SessionID); err == nil {
				t.Fatal("the login survived the reset")
			}
			var actions []string
			db.Table("audit_entries").Where("record_type = ? AND record_id = ?", "user", admin.ID).Order("id").Pluck("action", &actions)
			if strings.Join(actions, ",") != "create,disable,reset_password,enable" {
				t.Fatalf("audit: %v", actions)
			}
			err = run(append([]string{"users", "reset-password", "--phone", "13899999999"}, base...), &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), "no user has the phone 13899999999") {
				t.Fatalf("unknown phone: %v", err)
			}
		})
	}
}
