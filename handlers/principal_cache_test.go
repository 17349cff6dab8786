package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// loadsPrincipal reports whether statements include the read of a
// request's caller (models.LoadPrincipal).
func loadsPrincipal(stmts []string) bool {
	for _, s := range stmts {
		if strings.Contains(s, "FROM users u JOIN sessions s") {
			return true
		}
	}
	return false
}

// A request's caller is read once and kept for the next requests of its
// login; every write this process makes to users, sessions or
// commissioners, whichever way it is written, is seen by the next request.
func TestPrincipalKeptUntilWritten(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser(models.RoleCommissioner, "330824")
		other := env.NewUser(models.RoleCommissioner, "330824")
		name := func(want int) string {
			t.Helper()
			r := env.Do(http.MethodGet, "/api/v1/me", me.Token, nil)
			if r.Status != want {
				t.Fatalf("GET /me: %d %s, want %d", r.Status, r.Body, want)
			}
			if want != http.StatusOK {
				return ""
			}
			return r.JSON()["name"].(string)
		}
		if !loadsPrincipal(env.Statements(func() { name(http.StatusOK) })) {
			t.Fatal("the first request did not read its caller")
		}
		if stmts := env.Statements(func() { name(http.StatusOK) }); loadsPrincipal(stmts) {
			t.Fatalf("the second request read its caller again:\n%s", strings.Join(stmts, "\n"))
		}
		// Another user's login is not this one's.
		if !loadsPrincipal(env.Statements(func() { env.Do(http.MethodGet, "/api/v1/me", other.Token, nil) })) {
			t.Error("another user's request was answered with a kept caller")
		}
		// A new login of another user leaves this one's kept.
		login := env.Do(http.MethodPost, "/api/v1/auth/login", "", map[string]any{"phone": other.User.Phone, "password": other.Password})
		if login.Status != http.StatusOK {
			t.Fatalf("login: %d %s", login.Status, login.Body)
		}
		if stmts := env.Statements(func() { name(http.StatusOK) }); loadsPrincipal(stmts) {
			t.Errorf("another user's login made this one's caller be read again:\n%s", strings.Join(stmts, "\n"))
		}
		db := env.DB()
		ctx := context.Background()
		// Through gorm's model API.
		if err := db.Model(&models.User{}).Where("id = ?", me.User.ID).Update("name", "王一").Error; err != nil {
			t.Fatal(err)
		}
		if got := name(http.StatusOK); got != "王一" {
			t.Errorf("after an update: name %q, want 王一", got)
		}
		// As SQL written out.
		if err := db.Exec("UPDATE users SET name = ? WHERE id = ?", "王二", me.User.ID).Error; err != nil {
			t.Fatal(err)
		}
		if got := name(http.StatusOK); got != "王二" {
			t.Errorf("after an UPDATE statement: name %q, want 王二", got)
		}
		// Inside a transaction, and read again before its commit: the
		// commit is seen too.
		err := db.Tx(ctx, func(tx *gorm.DB) error {
			if err := tx.Exec("UPDATE users SET name = ? WHERE id = ?", "王三", me.User.ID).Error; err != nil {
				return err
			}
			if env.Backend == "mysql" {
				// Another connection reads the committed name and keeps it.
				if got := name(http.StatusOK); got != "王二" {
					t.Errorf("before the commit: name %q, want 王二", got)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := name(http.StatusOK); got != "王三" {
			t.Errorf("after the commit: name %q, want 王三", got)
		}
		// A revoked login is refused at the next request.
		if err := db.Model(&models.Session{}).Where("user_id = ?", me.User.ID).Update("revoked_at", models.Now()).Error; err != nil {
			t.Fatal(err)
		}
		name(http.StatusUnauthorized)
	})
}
