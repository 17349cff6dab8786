package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// upsert creates the record, or changes it when it exists.
func (r *Records) upsert(ctx context.Context, c call, sp *spec, id string, body []byte, base *int) (ApplyResult, error) {
	res := ApplyResult{Type: sp.typ, ID: id}
	prev, err := r.stored(ctx, sp, id)
	switch {
	case err != nil:
		return res, err
	case prev == nil:
		return r.create(ctx, c, sp, id, body, "")
	case prev.RecordMeta().DeletedAt.Valid:
		return res.fail(apierr.Conflict("该记录已被删除", "the record was deleted"))
	}
	return r.update(ctx, c, sp, id, body, base, "")
}

// stored loads the record with id, deleted or not; nil when there is none.
func (r *Records) stored(ctx context.Context, sp *spec, id string) (models.Record, error) {
	m := sp.newModel()
	err := r.db.LoadRecord(ctx, m, id, true)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

// create stores a new record; the same id again answers the stored record
// when the content is the same, else 409. parentID, when not empty, is the
// parent named by the route.
func (r *Records) create(ctx context.Context, c call, sp *spec, id string, body []byte, parentID string) (ApplyResult, error) {
	res := ApplyResult{Type: sp.typ, ID: id}
	if !sp.creates(c.p) {
		return res.fail(apierr.Forbidden())
	}
	d := sp.newDTO()
	typeErrs, e := decodeRecord(sp, body, d)
	if e != nil {
		return res.fail(e)
	}
	if err := settleIDs(d, &id, sp.parentCol, parentID); err != nil {
		return res.fail(err)
	}
	res.ID = id
	hash := createHash(sp.typ, d)
	// A create of an id that is stored already answers as its replay
	// (whatever a check would say of it now). The id is not looked up
	// first: a new record (nearly every create) is checked and inserted,
	// and the primary key turns a stored id into a duplicate that insert
	// answers as the replay; a create the check refuses looks the id up
	// before answering, so a replay the check would refuse now is still
	// answered as one. A POST saves a statement.
	ck := r.checker(ctx, c.p, sp, nil)
	ck.fields = typeErrs
	m := sp.newModel()
	if err := ck.run(d, m); err != nil {
		if _, refused := apierr.As(err); !refused || typeErrs != nil {
			return res.fail(err)
		}
		prev, serr := r.stored(ctx, sp, id)
		if serr != nil {
			return res, serr
		}
		if prev != nil {
			return r.replay(ctx, c, sp, res, prev, hash)
		}
		return res.fail(err)
	}
	out, err := r.insert(ctx, c, sp, res, m, hash, ck.now)
	if errors.Is(err, errKeyTaken) {
		return r.keyTaken(ctx, c, sp, res, nil, d)
	}
	return out, err
}

// insert stores the new record m. The primary key settles a race with
// another request creating the same id: the loser answers as a replay. A
// duplicate of another unique key (a season harvested, a year's income
// recorded by a request that came first) is errKeyTaken.
func (r *Records) insert(ctx context.Context, c call, sp *spec, res ApplyResult, m models.Record, hash string, now time.Time) (ApplyResult, error) {
	meta := m.RecordMeta()
	meta.ID, meta.Version, meta.CreateHash = res.ID, 1, hash
	meta.CreatedAt, meta.UpdatedAt = now, now
	err := r.write(ctx, c, sp, models.ActionCreate, nil, m, nil)
	if errors.Is(err, errParentGone) {
		return res.fail(apierr.Invalid(sp.parentCol, "上级记录不存在", "no such parent record"))
	}
	if models.IsDuplicate(err) {
		prev, err := r.stored(ctx, sp, res.ID)
		if err != nil {
			return res, fmt.Errorf("re-read %s %s after a duplicate key: %w", sp.typ, res.ID, err)
		}
		if prev == nil {
			return res, errKeyTaken
		}
		return r.replay(ctx, c, sp, res, prev, hash)
	}
	if err != nil {
		return res, err
	}
	return res.done(StatusCreated, m)
}

// errKeyTaken is a write refused by a unique key other than the id: a
// concurrent request stored the same season's harvest or year's income
// between this request's check and its write.
var errKeyTaken = errors.New("a unique key of the record is taken")

// keyTaken answers a write that errKeyTaken refused exactly as the same
// write made after the other request answers: it checks d again (old is
// the stored record on change, nil on create), which now finds the other
// record and refuses the field. Should the other record be gone again by
// then, the write answers 409.
func (r *Records) keyTaken(ctx context.Context, c call, sp *spec, res ApplyResult, old models.Record, d recordDTO) (ApplyResult, error) {
	ck := r.checker(ctx, c.p, sp, old)
	m := sp.newModel()
	if old != nil {
		m = models.CloneRecord(old)
	}
	if err := ck.run(d, m); err != nil {
		return res.fail(err)
	}
	return res.fail(apierr.Conflict("已有相同的记录，请重试", "a record for this was stored meanwhile; try again"))
}

// settleIDs makes the body's id and parent (field parentCol) agree with
// the ones given beside it, and generates an id when there is none.
func settleIDs(d recordDTO, id *string, parentCol, parentID string) error {
	var f apierr.Fields
	body := d.ident()
	switch {
	case *id == "" && *body == "":
		*id = models.NewID()
	case *id == "":
		*id = *body
	case *body != "" && NormalizeID(*body) != NormalizeID(*id):
		f.Add("id", "与记录 id 不一致", "does not match the record's id")
	}
	*id = NormalizeID(*id)
	if !isUUID(*id) {
		f.Add("id", "须为 UUID（大小写均可）", "must be a UUID (any letter case)")
	}
	*body = *id
	if cd, ok := d.(childDTO); ok && parentID != "" {
		ref := cd.parentRef()
		if *ref != "" && *ref != parentID {
			f.Add(parentCol, "与路径中的上级记录不一致", "does not match the parent record in the path")
		}
		*ref = parentID
	}
	return f.Err()
}

// replay answers a create of an id that is stored already.
func (r *Records) replay(ctx context.Context, c call, sp *spec, res ApplyResult, prev models.Record, hash string) (ApplyResult, error) {
	meta := prev.RecordMeta()
	if meta.DeletedAt.Valid {
		return res.fail(apierr.Conflict("该记录已被删除", "the record was deleted"))
	}
	seen, err := r.visible(ctx, c.p, sp, prev)
	if err != nil {
		return res, err
	}
	if !seen {
		return res.fail(apierr.Conflict("该 id 已被其他记录使用", "the id belongs to another record"))
	}
	if meta.CreateHash != hash {
		e := apierr.Conflict("同一 id 的记录内容不同", "a record with this id and other content exists")
		e.Current = prev
		return res.fail(e)
	}
	return res.done(StatusUnchanged, prev)
}

// write runs op (the update or delete of m; a create's is nil, as
// writeJobs inserts creates) and records the change in one transaction.
func (r *Records) write(ctx context.Context, c call, sp *spec, action string, before, after models.Record, op func(tx *gorm.DB) error) error {
	if c.batch != nil {
		c.batch.add(pendingWrite{sp: sp, action: action, before: before, after: after, op: op})
		return nil
	}
	w := pendingWrite{sp: sp, action: action, before: before, after: after, op: op}
	if action == models.ActionCreate && !c.sync {
		return r.flush(ctx, c, []pendingWrite{w})
	}
	return r.writeAlone(ctx, c, w)
}

// recordChange writes the audit entry and change-log row of one change.
func (r *Records) recordChange(ctx context.Context, tx *gorm.DB, c call, sp *spec, action string, before, after models.Record) error {
	ch, err := r.changeOf(ctx, tx, c, sp, action, before, after)
	if err != nil {
		return err
	}
	return models.RecordChange(tx, ch)
}

// changeOf describes one change for models.RecordChange.
func (r *Records) changeOf(ctx context.Context, tx *gorm.DB, c call, sp *spec, action string, before, after models.Record) (models.Change, error) {
	m := after
	if m == nil {
		m = before
	}
	code, err := r.regionOf(ctx, tx, sp, m)
	if err != nil {
		return models.Change{}, err
	}
	return models.Change{
		Type: sp.typ, ID: m.RecordMeta().ID, Action: action, Actor: c.p, RequestID: c.requestID,
		CommissionerID: m.RecordMeta().CommissionerID, RegionCode: code,
		Before: nilOr(before), After: nilOr(after),
	}, nil
}

// nilOr keeps a nil Record an untyped nil, so that RecordChange sees none.
func nilOr(m models.Record) any {
	if m == nil {
		return nil
	}
	return m
}

// sameContent reports whether two versions of a record hold the same data.
func sameContent(a, b models.Record) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(ja) == string(jb)
}
