package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"

	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
	gclause "gorm.io/gorm/clause"
)

// A push is applied in segments of changes that do not depend on each
// other (no record, or parent, named twice; a delete stands alone). Per
// segment: what the changes read is loaded up front with one query per
// kind (models.ReadCache); each change is checked and decided on its own
// exactly as the record endpoints do, its create or update queued rather
// than written; then the queued writes go to the database in one
// transaction, which the writes of other requests in flight at once may
// share (groupcommit.go): one multi-row INSERT per type, the updates, one
// INSERT of audit entries and one of change-log rows. If that transaction
// fails (a concurrent write of the same record, say), it is rolled back
// whole and the changes that wanted to write are applied again one by
// one, each in its own transaction, so that one change never fails
// another.

// pushItem is one well-formed change of a push, ready for Apply.
type pushItem struct {
	idx         int
	typ, op, id string
	body        json.RawMessage
	base        *int
	// parent and codes are the parent id and region codes the body names,
	// for loading them up front.
	parent string
	codes  []string
	// households are the households a visit names: a visit naming one
	// created earlier in the push is applied after it is written.
	households []string
}

// pendingWrite is a create or update decided but not yet written.
type pendingWrite struct {
	sp            *spec
	action        string
	before, after models.Record
	// op writes an update or delete; a create has none, as writeJobs
	// inserts the creates of a transaction together (insertCreates).
	op   func(tx *gorm.DB) error
	item int
}

// writeBatch collects the pending writes of one segment.
type writeBatch struct {
	writes []pendingWrite
	item   int
}

func (b *writeBatch) add(w pendingWrite) {
	w.item = b.item
	b.writes = append(b.writes, w)
}

// flagVisits sets far_from_village, from the GPS check, on the visits
// among recs about to be written. Other flags are kept.
func flagVisits(tx *gorm.DB, recs []models.Record) error {
	var visits []*models.Visit
	for _, m := range recs {
		if v, ok := m.(*models.Visit); ok && v != nil {
			visits = append(visits, v)
		}
	}
	if len(visits) == 0 {
		return nil
	}
	return models.FlagFarVisits(tx, visits)
}

// flagSkewed sets device_clock_skew on the visits among writes, those of
// a push from a wrong clock.
func flagSkewed(writes []pendingWrite) {
	for _, w := range writes {
		if v, ok := w.after.(*models.Visit); ok && v != nil {
			v.Flags = models.SetFlag(v.Flags, models.FlagDeviceClockSkew, true)
		}
	}
}

// refreshPhotoFlags recomputes, after a write of a visit that changed its
// times or commissioner (or deleted it), the photo evidence flags of the
// visit and of the visits sharing photo bytes with it, and carries the
// visit's new flags into after, which the answer shows.
func refreshPhotoFlags(tx *gorm.DB, before, after models.Record) error {
	old, _ := before.(*models.Visit)
	v, _ := after.(*models.Visit)
	if old == nil || v != nil && sameEvidenceBasis(old, v) {
		return nil
	}
	if err := models.RefreshVisitFlags(tx, old.ID); err != nil || v == nil {
		return err
	}
	var cur models.Visit
	if err := tx.Select("flags", "updated_at").Where("id = ?", v.ID).Take(&cur).Error; err != nil {
		return fmt.Errorf("re-read flags of visit %s: %w", v.ID, err)
	}
	v.Flags, v.UpdatedAt = cur.Flags, cur.UpdatedAt
	return nil
}

// sameEvidenceBasis reports whether two versions of a visit agree on what
// its photos are checked against: its times and its commissioner.
func sameEvidenceBasis(a, b *models.Visit) bool {
	return a.StartedAt.Equal(b.StartedAt) && a.EndedAt.Equal(b.EndedAt) && a.CommissionerID == b.CommissionerID
}

// applySegment applies items (a segment) for the call c and stores their
// results by item index in out.
func (r *Records) applySegment(ctx context.Context, c call, items []pushItem, out []ApplyResult) error {
	cache, err := r.prefetch(ctx, c.p, items)
	if err != nil {
		return err
	}
	cctx := models.WithReadCache(ctx, cache)
	b := &writeBatch{}
	bc := c
	bc.batch = b
	for i, it := range items {
		b.item = i
		if out[it.idx], err = r.applyWith(cctx, bc, it.typ, it.op, it.id, it.body, it.base); err != nil {
			return err
		}
	}
	if len(b.writes) == 0 {
		return nil
	}
	err = r.flush(cctx, c, b.writes)
	if err == nil {
		return nil
	}
	if c.receipt != nil {
		c.receipt.ID = 0 // rolled back with the batch
	}
	if ctx.Err() != nil {
		return err
	}
	for _, w := range b.writes {
		it := items[w.item]
		if out[it.idx], err = r.applyWith(ctx, c, it.typ, it.op, it.id, it.body, it.base); err != nil {
			return err
		}
	}
	return nil
}

// insertCreates inserts the new records with one multi-row INSERT per type.
func insertCreates(tx *gorm.DB, writes []pendingWrite) error {
	byType := map[reflect.Type]reflect.Value{}
	var order []reflect.Type
	for _, w := range writes {
		if w.action != models.ActionCreate {
			continue
		}
		t := reflect.TypeOf(w.after)
		s, ok := byType[t]
		if !ok {
			s = reflect.MakeSlice(reflect.SliceOf(t), 0, len(writes))
			order = append(order, t)
		}
		byType[t] = reflect.Append(s, reflect.ValueOf(w.after))
	}
	for _, t := range order {
		if err := tx.Create(byType[t].Interface()).Error; err != nil {
			return err
		}
	}
	return nil
}

// errParentGone is a child's write whose parent was deleted between the
// check and the write.
var errParentGone = errors.New("the parent record was deleted")

// lockParents locks, for the creates among writes that are children (a
// plot's observations and harvests, a household's incomes), their live
// parents, in id order, and fails with errParentGone when one is gone. A
// parent's delete locks the parent's row before it deletes the children
// it finds, so the two queue: a child stored first is deleted with its
// parent, and a child whose parent went first is refused, never left
// live under a deleted parent.
func lockParents(tx *gorm.DB, writes []pendingWrite) error {
	byParent := map[*spec]map[string]bool{}
	for _, w := range writes {
		if w.action != models.ActionCreate || w.sp.parent == nil {
			continue
		}
		if byParent[w.sp.parent] == nil {
			byParent[w.sp.parent] = map[string]bool{}
		}
		byParent[w.sp.parent][w.sp.parentOf(w.after)] = true
	}
	for par, set := range byParent {
		ids := make([]string, 0, len(set))
		for id := range set {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		var live []string
		err := tx.Model(par.newModel()).Clauses(gclause.Locking{Strength: "UPDATE"}).
			Where("id IN ? AND deleted_at IS NULL", ids).Order("id").Pluck("id", &live).Error
		if err != nil {
			return fmt.Errorf("lock parents: %w", err)
		}
		if len(live) != len(ids) {
			return errParentGone
		}
	}
	return nil
}
