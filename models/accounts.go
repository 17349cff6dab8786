package models

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// ErrDuplicatePhone is a new login whose phone another user already has.
var ErrDuplicatePhone = errors.New("phone already registered")

// UserByPhone loads the user with phone, active or disabled;
// gorm.ErrRecordNotFound when there is none.
func (db *DB) UserByPhone(ctx context.Context, phone string) (*User, error) {
	var u User
	if err := db.WithContext(ctx).Where("phone = ?", phone).Take(&u).Error; err != nil {
		return nil, fmt.Errorf("user by phone: %w", err)
	}
	return &u, nil
}

// GetUser loads one user.
func (db *DB) GetUser(ctx context.Context, id string) (*User, error) {
	var u User
	if err := db.WithContext(ctx).Where("id = ?", id).Take(&u).Error; err != nil {
		return nil, fmt.Errorf("get user %s: %w", id, err)
	}
	return &u, nil
}

// CreateUser stores a new login; a phone already taken is
// ErrDuplicatePhone.
func (db *DB) CreateUser(ctx context.Context, u *User) error {
	return db.Tx(ctx, func(tx *gorm.DB) error { return createUser(tx, u) })
}

func createUser(tx *gorm.DB, u *User) error {
	now := Now()
	u.Active, u.Version, u.CreatedAt, u.UpdatedAt = true, 1, now, now
	if u.ID == "" {
		u.ID = NewID()
	}
	if err := tx.Create(u).Error; err != nil {
		if IsDuplicate(err) {
			return ErrDuplicatePhone
		}
		return fmt.Errorf("create user: %w", err)
	}
	return nil
}

// CommissionerOfUser loads the commissioner profile of a user; nil when
// the user has none.
func (db *DB) CommissionerOfUser(ctx context.Context, userID string) (*Commissioner, error) {
	var c Commissioner
	err := db.WithContext(ctx).Where("user_id = ?", userID).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("commissioner of user %s: %w", userID, err)
	}
	return &c, nil
}
