package server

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/tepai/tepai/auth"
	"github.com/tepai/tepai/config"
	"github.com/tepai/tepai/handlers"
	"github.com/tepai/tepai/models"
	"github.com/tepai/tepai/storage"
)

// App is a built tepai: its dependencies and its HTTP handler.
type App struct {
	Deps handlers.Deps
	Echo *echo.Echo
	bg   background
}

// Open builds the dependencies the configuration names (database, photo
// store, token signer), migrates unless told not to, creates the first
// admin when asked, and builds the HTTP handler.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	db, err := models.Open(cfg.MySQLDSN, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	db.Log = log
	if !cfg.NoMigrate {
		if err := db.Migrate(); err != nil {
			db.Close()
			return nil, err
		}
	}
	store, err := storage.Open(cfg)
	if err != nil {
		db.Close()
		return nil, err
	}
	secret, err := cfg.ResolveJWTSecret(func(b []byte) error { _, err := rand.Read(b); return err })
	if err != nil {
		db.Close()
		return nil, err
	}
	d := handlers.Deps{Config: cfg, DB: db, Store: store, Tokens: auth.NewTokens(secret, cfg.AccessTTL), Log: log}
	if err := ensureAdmin(ctx, d); err != nil {
		db.Close()
		return nil, err
	}
	return &App{Deps: d, Echo: New(d, prometheus.NewRegistry())}, nil
}

// Close releases the database.
func (a *App) Close() error { return a.Deps.DB.Close() }

// ensureAdmin creates the configured admin when no admin exists yet, and
// says how to log in when none is configured.
func ensureAdmin(ctx context.Context, d handlers.Deps) error {
	var n int64
	if err := d.DB.WithContext(ctx).Model(&models.User{}).Where("role = ?", models.RoleAdmin).Count(&n).Error; err != nil {
		return fmt.Errorf("count admins: %w", err)
	}
	if n > 0 {
		return nil
	}
	if d.Config.AdminPhone == "" {
		d.Log.Warn("no admin exists yet: restart with TEPAI_ADMIN_PHONE and TEPAI_ADMIN_PASSWORD set " +
			"(for example TEPAI_ADMIN_PHONE=13800000000 TEPAI_ADMIN_PASSWORD=change-me-now tepai serve) " +
			"to create one, then log in with POST /api/v1/auth/login")
		return nil
	}
	hash, err := auth.HashPassword(d.Config.AdminPassword, d.Config.BcryptCost)
	if err != nil {
		return err
	}
	u := models.User{ID: models.NewID(), Phone: d.Config.AdminPhone, PasswordHash: hash, Name: "管理员", Role: models.RoleAdmin, Active: true, Version: 1}
	if err := d.DB.WithContext(ctx).Create(&u).Error; err != nil {
		if !models.IsDuplicate(err) {
			return fmt.Errorf("create admin: %w", err)
		}
		// Another replica starting at the same time may have created it.
		var roles []string
		if err := d.DB.WithContext(ctx).Model(&models.User{}).Where("phone = ?", u.Phone).Pluck("role", &roles).Error; err != nil {
			return fmt.Errorf("look up admin-phone: %w", err)
		}
		if len(roles) != 1 || roles[0] != models.RoleAdmin {
			return errors.New("admin-phone belongs to an existing user who is not an admin")
		}
		return nil
	}
	d.Log.Info("created admin: log in with POST /api/v1/auth/login {\"phone\": \""+u.Phone+"\", \"password\": \"…\"}", "phone", u.Phone)
	return nil
}
