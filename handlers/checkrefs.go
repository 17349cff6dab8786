package handlers

import (
	"slices"

	"github.com/tepai/tepai/models"
)

// Fields that name another entity answer the same for an entity that does
// not exist and for one outside the caller's scope: the same status (422)
// and the same message, so that the answer tells nothing of what the
// caller may not see, and nothing is stored.

// households checks household_ids: each a live household the caller may
// see (its own, for a commissioner). Ids the stored record named already
// stay, even when their household was deleted since.
func (ck *checker) households(field string, ids []string) {
	var added []string
	for _, id := range cleanList(ids) {
		if !ck.namedBefore(id) && !slices.Contains(added, id) {
			added = append(added, id)
		}
	}
	if len(added) == 0 {
		return
	}
	n, err := ck.db.CountVisibleHouseholds(ck.ctx, ck.p, added)
	if err != nil {
		ck.fail(err)
		return
	}
	if n != len(added) {
		ck.add(field, "含有不存在或无权查看的农户", "names a household that does not exist or is outside your scope")
	}
}

// namedBefore reports whether the stored visit being changed names the
// household id.
func (ck *checker) namedBefore(id string) bool {
	v, ok := ck.old.(*models.Visit)
	return ok && slices.Contains(v.HouseholdIDs, id)
}

// commissioner checks a commissioner_id an office names: a live
// commissioner the caller may see.
func (ck *checker) commissioner(field, id string) {
	n, err := ck.db.CountVisibleCommissioners(ck.ctx, ck.p, []string{id})
	if err != nil {
		ck.fail(err)
		return
	}
	if n == 0 {
		ck.add(field, "特派员不存在或无权查看", "no such commissioner in your scope")
	}
}
