package models

import (
	"context"
	"fmt"
)

// AuditLine is one audit entry as the audit trail shows it: the entry, the
// name of the actor, and the record before and after as stored JSON.
type AuditLine struct {
	AuditEntry
	ActorName string `json:"actor_name"`
}

// AuditTrail lists the audit entries of one record in the order they were
// written, after entry afterID, at most limit of them. When scope is not
// empty only entries whose region lies inside it are listed.
func (db *DB) AuditTrail(ctx context.Context, typ, id, scope string, afterID int64, limit int) ([]AuditLine, error) {
	q := db.WithContext(ctx).Table("audit_entries a").
		Select("a.*, COALESCE(u.name, '') AS actor_name").
		Joins("LEFT JOIN users u ON u.id = a.actor_id").
		Where("a.record_type = ? AND a.record_id = ? AND a.id > ?", typ, id, afterID)
	q = InRegion(q, "a.region_code", scope)
	var lines []AuditLine
	if err := q.Order("a.id").Limit(limit).Scan(&lines).Error; err != nil {
		return nil, fmt.Errorf("audit trail %s %s: %w", typ, id, err)
	}
	return lines, nil
}
