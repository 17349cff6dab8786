package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Refresh-token failures; both are 401 to the client.
var (
	// ErrRefreshInvalid is an unknown or expired refresh token, or one of a
	// revoked or expired login.
	ErrRefreshInvalid = errors.New("refresh token unknown, expired or revoked")
	// ErrRefreshReused is a refresh token presented after it was used; the
	// login it belongs to has been revoked.
	ErrRefreshReused = errors.New("refresh token reused; login revoked")
)

// Session is one login; its refresh tokens rotate.
type Session struct {
	ID           string `gorm:"primaryKey"`
	UserID       string
	CreatedAt    time.Time
	ExpiresAt    time.Time
	RevokedAt    *time.Time
	RevokeReason string
}

// RefreshToken is a refresh token of a session, stored only as the sha256
// of the token.
type RefreshToken struct {
	Hash      string `gorm:"primaryKey"`
	SessionID string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
	// GraceSeal is the pair the token's rotation answered, sealed for the
	// grace period (see refreshgrace.go).
	GraceSeal *string
}

// Grant is what a login or a refresh hands out: the session, its user and a
// new refresh token, with the access token when a refresh issued it.
type Grant struct {
	SessionID    string
	AccessToken  string
	RefreshToken string
	User         User
}

// IssueFunc signs an access token for a user's session.
type IssueFunc func(u User, sessionID string) (string, error)

// HashRefreshToken returns the stored form of a refresh token.
func HashRefreshToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// newRefreshToken inserts a fresh refresh token (32 random bytes,
// base64url) for session into tx and returns it.
func newRefreshToken(tx *gorm.DB, sessionID string, now time.Time, ttl time.Duration) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random refresh token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	rt := RefreshToken{Hash: HashRefreshToken(token), SessionID: sessionID, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if err := tx.Create(&rt).Error; err != nil {
		return "", fmt.Errorf("store refresh token: %w", err)
	}
	return token, nil
}

// StartSession opens a login for user with a first refresh token; both
// live for ttl.
func (db *DB) StartSession(ctx context.Context, user User, ttl time.Duration) (*Grant, error) {
	now := Now()
	g := &Grant{SessionID: NewID(), User: user}
	err := db.Tx(ctx, func(tx *gorm.DB) error {
		s := Session{ID: g.SessionID, UserID: user.ID, CreatedAt: now, ExpiresAt: now.Add(ttl)}
		if err := tx.Create(&s).Error; err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		var err error
		g.RefreshToken, err = newRefreshToken(tx, s.ID, now, ttl)
		return err
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// RotateRefresh exchanges a refresh token for a new pair of the same
// login, the refresh token living for ttl from now and the access token
// signed by issue. The old token is marked used in one conditional update,
// so of two racing refreshes only one rotates; the other, and any retry
// within grace, answers the same pair (see refreshgrace.go). Presenting a
// used token after the grace revokes the login (ErrRefreshReused).
func (db *DB) RotateRefresh(ctx context.Context, token string, ttl, grace time.Duration, issue IssueFunc) (*Grant, error) {
	hash := HashRefreshToken(token)
	var rt RefreshToken
	err := db.WithContext(ctx).Where("hash = ?", hash).Take(&rt).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrRefreshInvalid
	} else if err != nil {
		return nil, fmt.Errorf("load refresh token: %w", err)
	}
	now := Now()
	if rt.UsedAt != nil {
		return db.replay(ctx, token, grace)
	}
	if !rt.ExpiresAt.After(now) {
		return nil, ErrRefreshInvalid
	}
	g := &Grant{SessionID: rt.SessionID}
	err = db.Tx(ctx, func(tx *gorm.DB) error {
		if err := rotate(tx, hash, rt.SessionID, now, ttl, g); err != nil {
			return err
		}
		var err error
		if g.AccessToken, err = issue(g.User, g.SessionID); err != nil {
			return err
		}
		return storeSeal(tx, token, hash, rt.SessionID, now, grace, sealedPair{Access: g.AccessToken, Refresh: g.RefreshToken})
	})
	switch {
	case errors.Is(err, errRefreshLost):
		return db.replay(ctx, token, grace)
	case err != nil:
		return nil, err
	}
	return g, nil
}

// errRefreshLost is a refresh token another request used meanwhile.
var errRefreshLost = errors.New("refresh token used meanwhile")

// rotate marks the token hash used (errRefreshLost when another request
// did first), checks the session and its user, extends the session and
// puts a new refresh token in g.
func rotate(tx *gorm.DB, hash, sessionID string, now time.Time, ttl time.Duration, g *Grant) error {
	res := tx.Model(&RefreshToken{}).Where("hash = ? AND used_at IS NULL", hash).Update("used_at", now)
	if res.Error != nil {
		return fmt.Errorf("mark refresh token used: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return errRefreshLost
	}
	if err := liveSessionUser(tx, sessionID, now, &g.User); err != nil {
		return err
	}
	if err := tx.Model(&Session{}).Where("id = ?", sessionID).Update("expires_at", now.Add(ttl)).Error; err != nil {
		return fmt.Errorf("extend session: %w", err)
	}
	var err error
	g.RefreshToken, err = newRefreshToken(tx, sessionID, now, ttl)
	return err
}

// liveSessionUser loads the active user of a session that is neither
// revoked nor expired; else ErrRefreshInvalid.
func liveSessionUser(tx *gorm.DB, sessionID string, now time.Time, u *User) error {
	err := tx.Table("users").Select("users.*").
		Joins("JOIN sessions s ON s.user_id = users.id AND s.id = ? AND s.revoked_at IS NULL AND s.expires_at > ?", sessionID, now).
		Where("users.active = ?", true).Take(u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrRefreshInvalid
	}
	if err != nil {
		return fmt.Errorf("load session user: %w", err)
	}
	return nil
}

// reused revokes the login of a reused refresh token and returns
// ErrRefreshReused (or the failure to revoke).
func (db *DB) reused(ctx context.Context, sessionID string) error {
	if err := db.RevokeSession(ctx, sessionID, "refresh_reuse"); err != nil {
		return err
	}
	return ErrRefreshReused
}

// RevokeSession ends a login: the session is revoked (so its access tokens
// stop working on every replica) and all its refresh tokens are used up.
func (db *DB) RevokeSession(ctx context.Context, sessionID, reason string) error {
	now := Now()
	return db.Tx(ctx, func(tx *gorm.DB) error {
		err := tx.Model(&Session{}).Where("id = ? AND revoked_at IS NULL", sessionID).
			Updates(map[string]any{"revoked_at": now, "revoke_reason": reason}).Error
		if err != nil {
			return fmt.Errorf("revoke session %s: %w", sessionID, err)
		}
		err = tx.Model(&RefreshToken{}).Where("session_id = ? AND used_at IS NULL", sessionID).Update("used_at", now).Error
		if err != nil {
			return fmt.Errorf("use up refresh tokens of %s: %w", sessionID, err)
		}
		return nil
	})
}

// RefreshSession returns the session and user a refresh token belongs to,
// or ErrRefreshInvalid when it is unknown.
func (db *DB) RefreshSession(ctx context.Context, token string) (sessionID, userID string, err error) {
	var row struct{ SessionID, UserID string }
	err = db.WithContext(ctx).Table("refresh_tokens rt").Select("rt.session_id, s.user_id").
		Joins("JOIN sessions s ON s.id = rt.session_id").
		Where("rt.hash = ?", HashRefreshToken(token)).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", "", ErrRefreshInvalid
	}
	if err != nil {
		return "", "", fmt.Errorf("load refresh session: %w", err)
	}
	return row.SessionID, row.UserID, nil
}
