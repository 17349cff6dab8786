package models

import (
	"context"
	"fmt"
	"time"
)

// Roles a user may have.
const (
	RoleAdmin        = "admin"
	RoleBureau       = "bureau"
	RoleTownship     = "township"
	RoleCommissioner = "commissioner"
)

// User is a login: a phone and password with a role and a scope region.
type User struct {
	ID           string `gorm:"primaryKey" json:"id"`
	Phone        string `json:"phone"`
	PasswordHash string `json:"-"`
	Name         string `json:"name"`
	Role         string `json:"role"`
	RegionCode   string `json:"region_code"`
	Active       bool   `json:"active"`
	// MustChangePassword is set by a password reset and cleared when the
	// user changes its password.
	MustChangePassword bool      `json:"must_change_password"`
	Version            int       `json:"version"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
}

// Principal is the caller of a request: who it is, its role, its scope, and
// its commissioner profile when it has one.
type Principal struct {
	UserID         string
	Name           string
	Role           string
	RegionCode     string
	CommissionerID string
	// CommissionerHome is the home region code of the commissioner, read
	// with the principal when HomeKnown: a write checks its places against
	// it without reading it again.
	CommissionerHome string
	HomeKnown        bool
	SessionID        string
	// MustChangePassword limits the caller to reading itself and changing
	// its password (after a reset).
	MustChangePassword bool
}

// LoadPrincipal loads the active user of a live session, with its
// commissioner id; a revoked or expired session or an inactive user is
// gorm.ErrRecordNotFound. What it loaded is kept for the session's next
// requests (see principals.go).
func (db *DB) LoadPrincipal(ctx context.Context, userID, sessionID string) (*Principal, error) {
	cached, gen := db.cachedPrincipalOf(userID, sessionID)
	if cached != nil {
		return cached, nil
	}
	var row struct {
		ID, Name, Role, RegionCode       string
		CommissionerID, CommissionerHome *string
		MustChangePassword               bool
		ExpiresAt                        time.Time
	}
	err := db.WithContext(ctx).Table("users u").
		Select("u.id, u.name, u.role, u.region_code, u.must_change_password, c.id AS commissioner_id, c.region_code AS commissioner_home, s.expires_at").
		Joins("JOIN sessions s ON s.user_id = u.id AND s.id = ? AND s.revoked_at IS NULL AND s.expires_at > ?", sessionID, Now()).
		Joins("LEFT JOIN commissioners c ON c.user_id = u.id AND c.deleted_at IS NULL").
		Where("u.id = ? AND u.active = ?", userID, true).
		Take(&row).Error
	if err != nil {
		return nil, fmt.Errorf("load principal %s: %w", userID, err)
	}
	p := &Principal{UserID: row.ID, Name: row.Name, Role: row.Role, RegionCode: row.RegionCode, SessionID: sessionID,
		MustChangePassword: row.MustChangePassword}
	if row.CommissionerID != nil {
		p.CommissionerID = *row.CommissionerID
		if row.CommissionerHome != nil {
			p.CommissionerHome, p.HomeKnown = *row.CommissionerHome, true
		}
	}
	db.principals.put(principalKey{userID, sessionID}, *p, gen, time.Now(), row.ExpiresAt)
	return p, nil
}

// Sees reports whether the principal's region scope contains code (admins
// see everything).
func (p *Principal) Sees(code string) bool {
	if p.Role == RoleAdmin {
		return true
	}
	return len(code) >= len(p.RegionCode) && code[:len(p.RegionCode)] == p.RegionCode
}
