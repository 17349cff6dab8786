package handlers

import (
	"context"

	"github.com/tepai/tepai/models"
)

// applyItems applies the push's well-formed changes in order, in segments
// (see syncbatch.go), storing each result by index in out.
func (r *Records) applyItems(ctx context.Context, c call, items []pushItem, out []ApplyResult) error {
	for start := 0; start < len(items); {
		end := r.segmentEnd(items, start)
		var err error
		if it := items[start]; r.alone(it) {
			out[it.idx], err = r.applyWith(ctx, c, it.typ, it.op, it.id, it.body, it.base)
		} else {
			err = r.applySegment(ctx, c, items[start:end], out)
		}
		if err != nil {
			return err
		}
		start = end
	}
	return nil
}

// segmentEnd returns where the segment starting at start ends: a change
// that goes alone is a segment of its own; otherwise the segment runs up
// to the first such change or the first change naming a record or parent
// named before in it. (Children of one parent are thus never checked
// together, so that rules such as one harvest per plot and season hold.)
func (r *Records) segmentEnd(items []pushItem, start int) int {
	if r.alone(items[start]) {
		return start + 1
	}
	seen := map[string]bool{}
	for i := start; i < len(items); i++ {
		it := items[i]
		if r.alone(it) {
			return i
		}
		keys := r.itemKeys(it)
		for _, k := range keys {
			if seen[k] {
				return i
			}
		}
		for _, k := range keys {
			seen[k] = true
		}
	}
	return len(items)
}

// alone reports whether a change is applied on its own, unbatched: a
// delete (which cascades to children), or a change of a child record that
// does not name its parent.
func (r *Records) alone(it pushItem) bool {
	sp := r.specs[it.typ]
	return it.op == OpDelete || (sp != nil && sp.parent != nil && it.parent == "")
}

// itemKeys names the records a change touches or leans on.
func (r *Records) itemKeys(it pushItem) []string {
	var keys []string
	if it.id != "" {
		keys = append(keys, it.typ+"/"+it.id)
	}
	if sp := r.specs[it.typ]; sp != nil && sp.parent != nil && it.parent != "" {
		keys = append(keys, sp.parent.typ+"/"+it.parent)
	}
	for _, h := range it.households {
		keys = append(keys, TypeHousehold+"/"+h)
	}
	return keys
}

// prefetch loads what a segment's changes read: the stored records they
// name (one query per type), their parents (one per parent type), the
// regions named by the bodies and the stored records (one), and the
// caller's home region and assignments as a commissioner (two).
func (r *Records) prefetch(ctx context.Context, p *models.Principal, items []pushItem) (*models.ReadCache, error) {
	cache := models.NewReadCache()
	ids, parents, codes := r.namedBy(items)
	stored, err := r.cacheByType(ctx, cache, ids)
	if err != nil {
		return nil, err
	}
	codes = append(codes, r.leads(stored, parents)...)
	pars, err := r.cacheByType(ctx, cache, parents)
	if err != nil {
		return nil, err
	}
	codes = append(codes, r.leads(pars, nil)...)
	if err := r.db.CacheRegions(ctx, cache, codes); err != nil {
		return nil, err
	}
	if isCommissioner(p) {
		if err := r.db.CacheCommissioner(ctx, cache, p.CommissionerID); err != nil {
			return nil, err
		}
	}
	return cache, nil
}

// namedBy lists the record ids (by type), parent ids (by parent type) and
// region codes the changes name.
func (r *Records) namedBy(items []pushItem) (ids, parents map[string][]string, codes []string) {
	ids, parents = map[string][]string{}, map[string][]string{}
	for _, it := range items {
		sp := r.specs[it.typ]
		if sp == nil {
			continue
		}
		if it.id != "" {
			ids[it.typ] = append(ids[it.typ], it.id)
		}
		if sp.parent != nil && it.parent != "" {
			parents[sp.parent.typ] = append(parents[sp.parent.typ], it.parent)
		}
		codes = append(codes, it.codes...)
	}
	return ids, parents, codes
}

// leads returns the region codes of the top-level records among recs and,
// when parents is not nil, adds the children's parent ids to it.
func (r *Records) leads(recs map[string][]models.Record, parents map[string][]string) []string {
	var codes []string
	for typ, list := range recs {
		sp := r.specs[typ]
		for _, m := range list {
			switch {
			case sp.parent == nil:
				codes = append(codes, sp.code(m))
			case parents != nil:
				parents[sp.parent.typ] = append(parents[sp.parent.typ], sp.parentOf(m))
			}
		}
	}
	return codes
}

// cacheByType loads the records with ids, by type, into the cache and
// returns those stored.
func (r *Records) cacheByType(ctx context.Context, cache *models.ReadCache, ids map[string][]string) (map[string][]models.Record, error) {
	out := map[string][]models.Record{}
	for typ, list := range ids {
		slice := r.specs[typ].newSlice()
		if err := r.db.CacheRecords(ctx, cache, slice, list); err != nil {
			return nil, err
		}
		out[typ] = models.Records(slice)
	}
	return out, nil
}
