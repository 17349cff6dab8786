package handlers

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
)

// Record type names, as the contract spells them for sync, audit and photos.
const (
	TypeVisit           = "visit"
	TypeTraining        = "training"
	TypePlot            = "plot"
	TypePlotObservation = "plot_observation"
	TypeHarvest         = "harvest"
	TypeHousehold       = "household"
	TypeIncome          = "income"
	TypeProject         = "project"
	TypeDemand          = "demand"
)

// Statuses of an applied change, as sync push reports them.
const (
	StatusCreated   = "created"
	StatusUpdated   = "updated"
	StatusUnchanged = "unchanged"
	StatusDeleted   = "deleted"
	StatusConflict  = "conflict"
	StatusInvalid   = "invalid"
	StatusForbidden = "forbidden"
)

// Operations Apply takes, as sync push spells them.
const (
	OpUpsert = "upsert"
	OpDelete = "delete"
)

// ApplyResult is the outcome of one change of one record.
type ApplyResult struct {
	Type    string
	ID      string
	Status  string
	Version int
	// Record is the stored record after the change (a model pointer such
	// as *models.Visit, rendered by RecordJSON); on a conflict it is the
	// current record when the caller may see it, else nil.
	Record models.Record
	// Error is set for conflict, invalid and forbidden: the contract's
	// error (409, 412, 400, 422, 403 or 404).
	Error *apierr.Error
}

// Records creates, reads, changes and deletes field records of every type
// in one way: scope, idempotent create, versions, validation, soft delete
// and the audit trail. The HTTP handlers and sync push both use it.
type Records struct {
	db    *models.DB
	specs map[string]*spec
	order []*spec
	known *regionSet
	// group queues creates for shared transactions (groupcommit.go).
	group groupCommit
}

// NewRecords returns the record service over db.
func NewRecords(db *models.DB) *Records {
	r := &Records{db: db, specs: map[string]*spec{}, order: allSpecs(), known: newRegionSet()}
	for _, sp := range r.order {
		r.specs[sp.typ] = sp
	}
	return r
}

// Types lists the record type names Apply takes.
func (r *Records) Types() []string {
	out := make([]string, 0, len(r.order))
	for _, sp := range r.order {
		out = append(out, sp.typ)
	}
	return out
}

// Apply applies one change to a record of type typ for caller p, the way
// the record's HTTP endpoints do. Op "upsert" creates the record
// (idempotent on id: the same content again is "unchanged", other content a
// 409 conflict) or, when it exists, changes the fields body names; op
// "delete" soft-deletes it (a deleted record again is "unchanged"). id may
// be "" when body names it. body is the record's JSON as GET renders it;
// unknown and server-set fields are ignored. baseVersion, when given, is
// the version the change was made on: an older one than stored is a
// conflict carrying the current record (412), unless the change would alter
// nothing (a replay), which is "unchanged". Refusals are in the result with
// the contract's error; the returned error is an internal failure only.
func (r *Records) Apply(ctx context.Context, p *models.Principal, requestID, typ, op string, id string, body json.RawMessage, baseVersion *int) (ApplyResult, error) {
	return r.applyWith(ctx, call{p: p, requestID: requestID, sync: true}, typ, op, id, body, baseVersion)
}

// applyWith is Apply for the call c.
func (r *Records) applyWith(ctx context.Context, c call, typ, op string, id string, body json.RawMessage, baseVersion *int) (ApplyResult, error) {
	sp, ok := r.specs[typ]
	if !ok {
		return ApplyResult{Type: typ, ID: id, Status: StatusInvalid, Error: unknownType(typ, r.specs)}, nil
	}
	if id == "" {
		id = bodyID(body)
	}
	switch op {
	case OpUpsert:
		return r.upsert(ctx, c, sp, id, body, baseVersion)
	case OpDelete:
		return r.remove(ctx, c, sp, id, baseVersion, "")
	}
	e := apierr.Invalid("op", "op 须为 upsert 或 delete", "op must be upsert or delete")
	return ApplyResult{Type: typ, ID: id, Status: StatusInvalid, Error: e.(*apierr.Error)}, nil
}

// bodyID returns the "id" of a record body, "" when it has none.
func bodyID(body json.RawMessage) string {
	var b struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(body, &b)
	return b.ID
}

// RecordJSON returns what renders a stored record of type typ as the GET
// endpoint does; the model structs carry the contract's JSON tags, so it is
// the record itself.
func RecordJSON(typ string, rec any) any {
	if m, ok := rec.(models.Record); ok {
		fillLists(m)
	}
	return rec
}

// Fetch loads the records of type typ with ids, soft-deleted ones included
// (their DeletedAt is set), without scope checks: for sync pull, which
// selects what a caller may see from the change log.
func (r *Records) Fetch(ctx context.Context, typ string, ids []string) ([]models.Record, error) {
	sp, ok := r.specs[typ]
	if !ok {
		return nil, fmt.Errorf("fetch: unknown record type %q", typ)
	}
	dst := sp.newSlice()
	if err := r.db.LoadRecords(ctx, dst, ids); err != nil {
		return nil, err
	}
	recs := models.Records(dst)
	for _, m := range recs {
		fillLists(m)
	}
	return recs, nil
}

// RegionOf returns the region code a record belongs to (a child's is its
// parent's): what scope checks and the change log use.
func (r *Records) RegionOf(ctx context.Context, typ string, rec models.Record) (string, error) {
	sp, ok := r.specs[typ]
	if !ok {
		return "", fmt.Errorf("region of: unknown record type %q", typ)
	}
	return r.regionOf(ctx, r.db.DB, sp, rec)
}

// call is who makes a change, and through which door.
type call struct {
	p         *models.Principal
	requestID string
	// sync selects sync push semantics: a replay is "unchanged" even with an
	// old base version, and a delete of a deleted record is "unchanged".
	sync bool
	// batch, when set, collects creates and updates for one batched write
	// instead of writing each (see syncbatch.go).
	batch *writeBatch
	// skewed marks a push whose device clock was far from the server's:
	// its visits are flagged device_clock_skew.
	skewed bool
	// receipt, when set, is the push's receipt, written with the push's
	// first batched write (saving a commit) or after it.
	receipt *models.SyncPush
}

// fail sets the result's status from err (conflict for 409 and 412,
// forbidden for 403 and 404, else invalid); an error that is not an
// *apierr.Error is an internal failure and returned as such.
func (res ApplyResult) fail(err error) (ApplyResult, error) {
	e, ok := apierr.As(err)
	if !ok {
		return res, err
	}
	res.Error = e
	if cur, ok := e.Current.(models.Record); ok {
		res.Record, res.Version = cur, cur.RecordMeta().Version
	}
	switch e.Status {
	case 409, 412:
		res.Status = StatusConflict
	case 403, 404:
		res.Status = StatusForbidden
	default:
		res.Status = StatusInvalid
	}
	return res, nil
}

// done sets the result's status and stored record.
func (res ApplyResult) done(status string, m models.Record) (ApplyResult, error) {
	res.Status, res.Record = status, m
	if m != nil {
		res.Version = m.RecordMeta().Version
	}
	return res, nil
}
