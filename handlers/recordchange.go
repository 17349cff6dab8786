package handlers

import (
	"context"
	"errors"
	"time"

	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// update changes the fields body names on a live record the caller may
// change. base is the version the change was made on (If-Match, or sync's
// base_version): a stale one is 412 with the current record. Over HTTP the
// version is checked first; for sync a change that alters nothing is
// "unchanged" whatever its base, so that replays are harmless.
func (r *Records) update(ctx context.Context, c call, sp *spec, id string, body []byte, base *int, parentID string) (ApplyResult, error) {
	res := ApplyResult{Type: sp.typ, ID: id}
	old, err := r.writable(ctx, c.p, sp, id, parentID, sp.changes)
	if err != nil {
		return res.fail(err)
	}
	if !c.sync && stale(base, old) {
		return res.fail(apierr.PreconditionFailed(old))
	}
	d, typeErrs, same, err := overlay(sp, old, body)
	if err != nil {
		return res.fail(err)
	}
	if same {
		return res.done(StatusUnchanged, old)
	}
	ck := r.checker(ctx, c.p, sp, old)
	ck.fields = typeErrs
	m := models.CloneRecord(old)
	if err := ck.run(d, m); err != nil {
		return res.fail(err)
	}
	if sameContent(m, old) {
		return res.done(StatusUnchanged, old)
	}
	if stale(base, old) {
		return res.fail(apierr.PreconditionFailed(old))
	}
	out, err := r.save(ctx, c, sp, res, old, m, ck)
	if errors.Is(err, errKeyTaken) {
		return r.keyTaken(ctx, c, sp, res, old, d)
	}
	return out, err
}

// overlay decodes a change body over the stored record's DTO; same is true
// when the body restates the record as it is.
func overlay(sp *spec, old models.Record, body []byte) (d recordDTO, typeErrs apierr.Fields, same bool, err error) {
	d = sp.newDTO()
	if err := loadDTO(d, old); err != nil {
		return nil, nil, false, err
	}
	before := canonical(d)
	typeErrs, e := decodeRecord(sp, body, d)
	if e != nil {
		return nil, nil, false, e
	}
	if e := immutableIDs(sp, d, old); e != nil {
		return nil, nil, false, e
	}
	return d, typeErrs, typeErrs == nil && canonical(d) == before, nil
}

// save writes the changed record m over old at old's version.
func (r *Records) save(ctx context.Context, c call, sp *spec, res ApplyResult, old, m models.Record, ck *checker) (ApplyResult, error) {
	meta := m.RecordMeta()
	meta.Version, meta.UpdatedAt = old.RecordMeta().Version+1, ck.now
	err := r.write(ctx, c, sp, models.ActionUpdate, old, m, func(tx *gorm.DB) error {
		ok, err := models.UpdateRecord(tx, m, old.RecordMeta().Version)
		if err == nil && !ok {
			err = errRaced
		}
		return err
	})
	if errors.Is(err, errRaced) {
		return r.raced(ctx, c, sp, res, old.RecordMeta().ID)
	}
	if models.IsDuplicate(err) {
		return res, errKeyTaken
	}
	if err != nil {
		return res, err
	}
	return res.done(StatusUpdated, m)
}

// errRaced is a change that lost a race with another change of the record.
var errRaced = errors.New("the record changed meanwhile")

// raced answers a change that lost a race: 412 with the record as it now
// is, or 404 when it was deleted meanwhile.
func (r *Records) raced(ctx context.Context, c call, sp *spec, res ApplyResult, id string) (ApplyResult, error) {
	cur := sp.newModel()
	err := r.db.LoadRecord(ctx, cur, id, false)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return res.fail(apierr.NotFound())
	}
	if err != nil {
		return res, err
	}
	return res.fail(apierr.PreconditionFailed(cur))
}

// stale reports whether base names a version other than the stored one.
func stale(base *int, old models.Record) bool {
	return base != nil && *base != old.RecordMeta().Version
}

// immutableIDs refuses a change of the record's id or parent.
func immutableIDs(sp *spec, d recordDTO, old models.Record) *apierr.Error {
	var f apierr.Fields
	if *d.ident() != old.RecordMeta().ID {
		f.Add("id", "不能修改", "cannot be changed")
	}
	if cd, ok := d.(childDTO); ok && *cd.parentRef() != sp.parentOf(old) {
		f.Add(sp.parentCol, "不能修改", "cannot be changed")
	}
	if err := f.Err(); err != nil {
		return err.(*apierr.Error)
	}
	return nil
}

// remove soft-deletes a live record the caller may delete, and its
// children with it. For sync, deleting a deleted record is "unchanged".
func (r *Records) remove(ctx context.Context, c call, sp *spec, id string, base *int, parentID string) (ApplyResult, error) {
	res := ApplyResult{Type: sp.typ, ID: id}
	if c.sync {
		if gone, err := r.deletedOwn(ctx, c.p, sp, id); err != nil || gone != nil {
			if err != nil {
				return res, err
			}
			return res.done(StatusUnchanged, gone)
		}
	}
	old, err := r.writable(ctx, c.p, sp, id, parentID, sp.removes)
	if err != nil {
		return res.fail(err)
	}
	if stale(base, old) {
		return res.fail(apierr.PreconditionFailed(old))
	}
	m := models.CloneRecord(old)
	now := models.Now()
	err = r.db.Tx(ctx, func(tx *gorm.DB) error { return r.softDelete(ctx, tx, c, sp, old, m, now) })
	if errors.Is(err, errRaced) {
		return r.raced(ctx, c, sp, res, id)
	}
	if err != nil {
		return res, err
	}
	return res.done(StatusDeleted, m)
}

// softDelete marks m (a copy of old) deleted, records the change, and does
// the same for every live child.
func (r *Records) softDelete(ctx context.Context, tx *gorm.DB, c call, sp *spec, old, m models.Record, now time.Time) error {
	ok, err := models.SoftDeleteRecord(tx, m, old.RecordMeta().Version, now)
	if err == nil && !ok {
		err = errRaced
	}
	if err != nil {
		return err
	}
	if err := r.recordChange(ctx, tx, c, sp, models.ActionDelete, old, nil); err != nil {
		return err
	}
	if err := refreshPhotoFlags(tx, old, nil); err != nil {
		return err
	}
	for _, child := range sp.children {
		kids := child.newSlice()
		if err := models.LiveChildren(tx, kids, child.parentCol, old.RecordMeta().ID); err != nil {
			return err
		}
		for _, k := range models.Records(kids) {
			if err := r.softDelete(ctx, tx, c, child, k, models.CloneRecord(k), now); err != nil {
				return err
			}
		}
	}
	return nil
}

// deletedOwn returns the record with id when it is deleted and the caller
// could see it, else nil.
func (r *Records) deletedOwn(ctx context.Context, p *models.Principal, sp *spec, id string) (models.Record, error) {
	m := sp.newModel()
	err := r.db.LoadRecord(ctx, m, id, true)
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && !m.RecordMeta().DeletedAt.Valid) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if seen, err := r.visible(ctx, p, sp, m); err != nil || !seen {
		return nil, err
	}
	return m, nil
}
