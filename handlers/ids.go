package handlers

import (
	"strings"

	"github.com/google/uuid"
)

// Record ids are UUIDs, accepted in any letter case (iOS writes them in
// upper case) and stored and answered in lower case, so that a replay in
// another case names the same record.

// NormalizeID returns an id as tepai stores it: lower case.
func NormalizeID(id string) string { return strings.ToLower(id) }

// isUUID reports whether id, already normalised, is a UUID in its
// canonical 36-character form.
func isUUID(id string) bool {
	u, err := uuid.Parse(id)
	return err == nil && u.String() == id
}
