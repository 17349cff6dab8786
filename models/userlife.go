package models

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// The account lifecycle: listing users in scope, changing and resetting
// passwords, disabling and enabling. Every change is audited as a record
// of type "user", and every change that ends logins revokes their
// sessions in the same transaction, so that their refresh tokens and
// access tokens stop working at once on every replica (the authentication
// middleware loads the session and the user on every request).

// Audit actions of the account lifecycle.
const (
	ActionChangePassword = "change_password"
	ActionResetPassword  = "reset_password"
	ActionDisable        = "disable"
	ActionEnable         = "enable"
)

// UserFilter narrows a list of users: q matches name or phone (a
// substring), role and region (a subtree) match exactly.
type UserFilter struct {
	Q, Role, Region string
}

// usersVisible keeps the users p may read: an admin all of them, a bureau
// or township user those scoped inside its region, anyone else itself.
func usersVisible(q *gorm.DB, p *Principal) *gorm.DB {
	switch {
	case p.Role == RoleAdmin:
		return q
	case (p.Role == RoleBureau || p.Role == RoleTownship) && p.RegionCode != "":
		lo, hi := PrefixRange(p.RegionCode)
		return q.Where("users.region_code >= ? AND users.region_code < ?", lo, hi)
	}
	return q.Where("users.id = ?", p.UserID)
}

// likePattern is a LIKE pattern for "contains s", with '!' as the escape
// character.
func likePattern(s string) string {
	r := strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")
	return "%" + r.Replace(s) + "%"
}

// ListUsers lists the users p may read that f selects, by id after after,
// at most limit; next is the id to continue after ("" on the last page).
func (db *DB) ListUsers(ctx context.Context, p *Principal, f UserFilter, after string, limit int) (items []User, next string, err error) {
	q := usersVisible(db.WithContext(ctx).Model(&User{}), p)
	if f.Role != "" {
		q = q.Where("users.role = ?", f.Role)
	}
	if f.Region != "" {
		lo, hi := PrefixRange(f.Region)
		q = q.Where("users.region_code >= ? AND users.region_code < ?", lo, hi)
	}
	if f.Q != "" {
		pat := likePattern(f.Q)
		q = q.Where("(users.name LIKE ? ESCAPE '!' OR users.phone LIKE ? ESCAPE '!')", pat, pat)
	}
	if err := pageAfter(q, "users.id", after, limit).Find(&items).Error; err != nil {
		return nil, "", fmt.Errorf("list users: %w", err)
	}
	items, next = trimPage(items, limit, func(u User) string { return u.ID })
	return items, next, nil
}

// VisibleUser loads a user p may read; gorm.ErrRecordNotFound when there
// is none or it lies outside p's scope.
func (db *DB) VisibleUser(ctx context.Context, p *Principal, id string) (*User, error) {
	return visibleUser(db.WithContext(ctx), p, id)
}

func visibleUser(tx *gorm.DB, p *Principal, id string) (*User, error) {
	var u User
	if err := usersVisible(tx.Model(&User{}), p).Where("users.id = ?", id).Take(&u).Error; err != nil {
		return nil, fmt.Errorf("user %s: %w", id, err)
	}
	return &u, nil
}

// CreateUserAudited stores a new login as CreateUser does and audits it.
func (db *DB) CreateUserAudited(ctx context.Context, u *User, by Attribution) error {
	return db.Tx(ctx, func(tx *gorm.DB) error {
		if err := createUser(tx, u); err != nil {
			return err
		}
		return writeAudit(tx, by, "user", u.ID, "create", u.RegionCode, nil, u)
	})
}

// ChangePassword sets the caller's new password hash, clears a temporary
// password's restriction and revokes the caller's other logins (keeping
// session keep).
func (db *DB) ChangePassword(ctx context.Context, userID, keep, hash string, by Attribution) error {
	return db.Tx(ctx, func(tx *gorm.DB) error {
		_, err := updateUser(tx, userID, ActionChangePassword, by,
			map[string]any{"password_hash": hash, "must_change_password": false})
		if err != nil {
			return err
		}
		return revokeUserSessions(tx, userID, keep, ActionChangePassword)
	})
}

// ResetPassword sets a temporary password hash on user id, which must be
// changed at its next login, and revokes all its logins.
func (db *DB) ResetPassword(ctx context.Context, id, hash string, by Attribution) (*User, error) {
	var u *User
	err := db.Tx(ctx, func(tx *gorm.DB) error {
		var err error
		u, err = updateUser(tx, id, ActionResetPassword, by, map[string]any{"password_hash": hash, "must_change_password": true})
		if err != nil {
			return err
		}
		return revokeUserSessions(tx, id, "", ActionResetPassword)
	})
	return u, err
}

// SetActive enables or disables user id; disabling revokes all its logins.
// Setting the state it already has changes nothing.
func (db *DB) SetActive(ctx context.Context, id string, active bool, by Attribution) (*User, error) {
	action := ActionEnable
	if !active {
		action = ActionDisable
	}
	var u *User
	err := db.Tx(ctx, func(tx *gorm.DB) error {
		var cur User
		if err := tx.Where("id = ?", id).Take(&cur).Error; err != nil {
			return fmt.Errorf("user %s: %w", id, err)
		}
		if cur.Active == active {
			u = &cur
			return nil
		}
		var err error
		if u, err = updateUser(tx, id, action, by, map[string]any{"active": active}); err != nil {
			return err
		}
		if active {
			return nil
		}
		return revokeUserSessions(tx, id, "", action)
	})
	return u, err
}

// updateUser applies set to user id with a new version, audits it as
// action and returns the user after the change.
func updateUser(tx *gorm.DB, id, action string, by Attribution, set map[string]any) (*User, error) {
	var before User
	if err := tx.Where("id = ?", id).Take(&before).Error; err != nil {
		return nil, fmt.Errorf("user %s: %w", id, err)
	}
	set["version"] = gorm.Expr("version + 1")
	set["updated_at"] = Now()
	if err := tx.Model(&User{}).Where("id = ?", id).Updates(set).Error; err != nil {
		return nil, fmt.Errorf("update user %s: %w", id, err)
	}
	var after User
	if err := tx.Where("id = ?", id).Take(&after).Error; err != nil {
		return nil, fmt.Errorf("reload user %s: %w", id, err)
	}
	if err := writeAudit(tx, by, "user", id, action, after.RegionCode, before, after); err != nil {
		return nil, err
	}
	return &after, nil
}

// revokeUserSessions revokes every live login of user but session keep
// ("" for none), uses up their refresh tokens and drops their grace seals.
func revokeUserSessions(tx *gorm.DB, userID, keep, reason string) error {
	now := Now()
	err := tx.Model(&Session{}).Where("user_id = ? AND id <> ? AND revoked_at IS NULL", userID, keep).
		Updates(map[string]any{"revoked_at": now, "revoke_reason": reason}).Error
	if err != nil {
		return fmt.Errorf("revoke sessions of %s: %w", userID, err)
	}
	sessions := tx.Model(&Session{}).Select("id").Where("user_id = ? AND id <> ?", userID, keep)
	err = tx.Model(&RefreshToken{}).Where("session_id IN (?)", sessions).
		Updates(map[string]any{"used_at": gorm.Expr("COALESCE(used_at, ?)", now), "grace_seal": nil}).Error
	if err != nil {
		return fmt.Errorf("use up refresh tokens of %s: %w", userID, err)
	}
	return nil
}
