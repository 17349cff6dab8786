package models

import (
	"context"
	"fmt"
	"time"
)

// SyncPush is the receipt of one push: who, from which device, the
// device's claimed time and the server's receive time, and how far apart
// they were.
type SyncPush struct {
	ID          int64 `gorm:"primaryKey"`
	UserID      string
	DeviceID    string
	DeviceTime  *time.Time
	ReceivedAt  time.Time
	ClockSkewMs *int64
	Changes     int
	RequestID   string
}

// RecordPush stores the receipt of a push.
func (db *DB) RecordPush(ctx context.Context, p *SyncPush) error {
	err := db.Again(ctx, func() error {
		p.ID = 0 // an attempt the engine gave up on may have set it
		return db.WithContext(ctx).Create(p).Error
	})
	if err != nil {
		return fmt.Errorf("record push: %w", err)
	}
	return nil
}
