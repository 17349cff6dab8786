package testenv

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/tepai/tepai/auth"
	"github.com/tepai/tepai/models"
)

var phoneSeq atomic.Int64

// Person is a user made directly in the database for a test, with a live
// session and an access token.
type Person struct {
	User         models.User
	Commissioner *models.Commissioner
	Token        string
	Password     string
}

// NewUser creates a user of role scoped to region (for a commissioner, with
// its commissioner profile at that home region) and signs it in.
func (e *Env) NewUser(role, region string) *Person {
	e.T.Helper()
	ctx := context.Background()
	db := e.DB()
	pw := "password-" + fmt.Sprint(phoneSeq.Add(1))
	hash, err := auth.HashPassword(pw, 4)
	if err != nil {
		e.T.Fatal(err)
	}
	now := models.Now()
	u := models.User{ID: models.NewID(), Phone: fmt.Sprintf("139%08d", phoneSeq.Add(1)), PasswordHash: hash,
		Name: role + "-" + region, Role: role, RegionCode: region, Active: true, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := db.WithContext(ctx).Create(&u).Error; err != nil {
		e.T.Fatalf("create user: %v", err)
	}
	p := &Person{User: u, Password: pw}
	if role == models.RoleCommissioner {
		c := models.Commissioner{ID: models.NewID(), UserID: u.ID, Name: "特派员" + u.Phone[7:], Phone: u.Phone,
			Level: models.CommissionerCounty, Organization: "县农业农村局", Specialty: "茶叶", Batch: "第十四批",
			TermStart: "2024-01-01", TermEnd: "2026-12-31", RegionCode: region, Version: 1}
		if err := db.WithContext(ctx).Create(&c).Error; err != nil {
			e.T.Fatalf("create commissioner: %v", err)
		}
		p.Commissioner = &c
	}
	sid := models.NewID()
	err = db.WithContext(ctx).Exec("INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
		sid, u.ID, now, now.Add(24*time.Hour)).Error
	if err != nil {
		e.T.Fatalf("create session: %v", err)
	}
	if p.Token, err = e.App.Deps.Tokens.Issue(u.ID, sid, role); err != nil {
		e.T.Fatal(err)
	}
	return p
}

// Assign links a commissioner to a village from start, open-ended.
func (e *Env) Assign(c *models.Commissioner, village, start string) *models.Assignment {
	e.T.Helper()
	a := models.Assignment{ID: models.NewID(), CommissionerID: c.ID, VillageCode: village, StartDate: start, Version: 1}
	if err := e.DB().Create(&a).Error; err != nil {
		e.T.Fatalf("assign: %v", err)
	}
	return &a
}
