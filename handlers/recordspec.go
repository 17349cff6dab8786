package handlers

import (
	"context"
	"time"

	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// spec describes one record type to the shared record code; each resource
// file declares one, with its DTO.
type spec struct {
	typ string
	// path is the collection's route: below /api/v1 for top-level types,
	// below the parent's record for children ("/observations").
	path string
	// idParam names the path parameter of one record.
	idParam string
	// codeCol is the column holding the region code (top-level types).
	codeCol string
	// orderCol is the time column lists are ordered by, newest first, and
	// orderOf its value in a record.
	orderCol string
	orderOf  func(m models.Record) time.Time
	newModel func() models.Record
	newSlice func() any
	newDTO   func() recordDTO
	// code returns a top-level record's region code.
	code func(m models.Record) string
	// parent, parentCol and parentOf link a child type to its parent type.
	parent    *spec
	parentCol string
	parentOf  func(m models.Record) string
	children  []*spec
	// creates says who may create; changes and removes who may change or
	// delete a record the caller can see (else 403).
	creates func(p *models.Principal) bool
	changes func(p *models.Principal, m models.Record) bool
	removes func(p *models.Principal, m models.Record) bool
	// commissionerSees and commissionerList, when set, replace "its own
	// records" as what a commissioner may see, one record or in a list.
	commissionerSees func(ctx context.Context, db *models.DB, p *models.Principal, m models.Record) (bool, error)
	commissionerList func(ctx context.Context, db *models.DB, p *models.Principal, q *gorm.DB) (*gorm.DB, error)
	// filters are the list query parameters besides limit and cursor:
	// "region", "commissioner_id", "period" (from, to, year), "status".
	filters []string
}

// recordDTO is a record type's request body: the fields a client may set,
// their validation, and their mapping onto the model.
type recordDTO interface {
	// ident returns the body's id field.
	ident() *string
	// check validates the DTO for the caller, adding a detail per bad field.
	check(ck *checker)
	// store writes the DTO into the model, deriving computed values; m is
	// a zero model on create, a copy of the stored record on change.
	store(m models.Record, ck *checker)
}

// childDTO is the DTO of a child type, naming its parent.
type childDTO interface {
	recordDTO
	parentRef() *string
}

// allSpecs lists the record types, parents before their children.
func allSpecs() []*spec {
	visits, trainings := visitSpec(), trainingSpec()
	plots, households := plotSpec(), householdSpec()
	observations, harvests := observationSpec(plots), harvestSpec(plots)
	incomes := incomeSpec(households)
	plots.children = []*spec{observations, harvests}
	households.children = []*spec{incomes}
	return []*spec{visits, trainings, plots, observations, harvests, households, incomes, projectSpec(), demandSpec()}
}

// isCommissioner reports whether p is a commissioner with a profile.
func isCommissioner(p *models.Principal) bool {
	return p.Role == models.RoleCommissioner && p.CommissionerID != ""
}

// createdAt is the orderOf of types listed by creation time.
func createdAt(m models.Record) time.Time { return m.RecordMeta().CreatedAt }

// ownsRecord reports whether p is the commissioner who owns m.
func ownsRecord(p *models.Principal, m models.Record) bool {
	return isCommissioner(p) && m.RecordMeta().CommissionerID == p.CommissionerID
}

// ownedBy sets the policy of a commissioner's own records: only
// commissioners create them; the owner and admins change and delete them.
func (sp *spec) ownedBy() *spec {
	sp.creates = isCommissioner
	sp.changes = func(p *models.Principal, m models.Record) bool {
		return p.Role == models.RoleAdmin || ownsRecord(p, m)
	}
	sp.removes = sp.changes
	return sp
}
