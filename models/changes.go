package models

import (
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Actions an audit entry records.
const (
	ActionCreate = "create"
	ActionUpdate = "update"
	ActionDelete = "delete"
)

// Change is one write of a record as the audit trail, the sync change log
// and the rollups all see it. Every write of a record goes through
// RecordChange in the transaction that makes it.
type Change struct {
	Type   string // region, assignment, visit, training, …
	ID     string
	Action string // create, update, delete
	Actor  *Principal
	// RequestID ties the entry to the request's log lines.
	RequestID string
	// CommissionerID and RegionCode say who may pull the change.
	CommissionerID string
	RegionCode     string
	Before, After  any
}

// AuditEntry is one line of the audit trail.
type AuditEntry struct {
	ID         int64     `gorm:"primaryKey" json:"id"`
	At         time.Time `json:"at"`
	ActorID    string    `json:"actor_id"`
	ActorRole  string    `json:"actor_role"`
	RecordType string    `json:"type"`
	RecordID   string    `json:"record_id"`
	Action     string    `json:"action"`
	RegionCode string    `json:"region_code"`
	BeforeJSON *string   `json:"-"`
	AfterJSON  *string   `json:"-"`
	RequestID  string    `json:"request_id"`
}

// ChangeRow is one row of the sync change log.
type ChangeRow struct {
	Seq            int64 `gorm:"primaryKey"`
	RecordType     string
	RecordID       string
	Op             string
	CommissionerID string
	// TeamID is set on a team's assignments (and the villages they bring),
	// so that every member pulls them.
	TeamID     string
	RegionCode string
	At         time.Time
}

// TableName names the change log table.
func (ChangeRow) TableName() string { return "changes" }

// RecordChange writes the audit entry and the change-log row of ch inside
// tx, and brings the rollups up to date.
func RecordChange(tx *gorm.DB, ch Change) error {
	return RecordChanges(tx, []Change{ch})
}

// RecordChanges is RecordChange for several changes made in one
// transaction: one insert of their audit entries and one of their
// change-log rows, in order (held back to the commit under Tx: see
// synclog.go), then the rollups of all of them.
func RecordChanges(tx *gorm.DB, chs []Change) error {
	if len(chs) == 0 {
		return nil
	}
	now := Now()
	entries := make([]AuditEntry, len(chs))
	var rows []ChangeRow
	for i, ch := range chs {
		if err := auditEntry(&entries[i], ch, now); err != nil {
			return err
		}
		rows = append(rows, changeRows(ch, now)...)
	}
	if err := tx.Create(&entries).Error; err != nil {
		return fmt.Errorf("write audit entries: %w", err)
	}
	if err := logChanges(tx, rows); err != nil {
		return err
	}
	if err := applyRollups(tx, chs...); err != nil {
		return err
	}
	return followOwners(tx, chs)
}

// auditEntry fills e with the audit entry of ch.
func auditEntry(e *AuditEntry, ch Change, now time.Time) error {
	*e = AuditEntry{
		At: now, RecordType: ch.Type, RecordID: ch.ID, Action: ch.Action,
		RegionCode: ch.RegionCode, RequestID: ch.RequestID,
	}
	if ch.Actor != nil {
		e.ActorID, e.ActorRole = ch.Actor.UserID, ch.Actor.Role
	}
	var err error
	if e.BeforeJSON, err = jsonOrNil(ch.Before); err != nil {
		return err
	}
	e.AfterJSON, err = jsonOrNil(ch.After)
	return err
}

func jsonOrNil(v any) (*string, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode audit value: %w", err)
	}
	s := string(b)
	return &s, nil
}

// changeRows are the change-log rows of ch. A new assignment (or one moved
// to another village) first logs its village as a region change for the
// same commissioner or team, so that the phone pulls the village record
// before the assignment that names it.
func changeRows(ch Change, now time.Time) []ChangeRow {
	op := "upsert"
	if ch.Action == ActionDelete {
		op = "delete"
	}
	row := ChangeRow{RecordType: ch.Type, RecordID: ch.ID, Op: op, CommissionerID: ch.CommissionerID, RegionCode: ch.RegionCode, At: now}
	var rows []ChangeRow
	before, _ := ch.Before.(*Assignment)
	after, _ := ch.After.(*Assignment)
	switch {
	case after != nil:
		row.TeamID = after.TeamID
		if before == nil || before.VillageCode != after.VillageCode {
			rows = append(rows, ChangeRow{RecordType: "region", RecordID: after.VillageCode, Op: "upsert",
				CommissionerID: ch.CommissionerID, TeamID: after.TeamID, RegionCode: after.VillageCode, At: now})
		}
	case before != nil:
		row.TeamID = before.TeamID
	}
	return append(rows, row)
}
