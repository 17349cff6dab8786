package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// checker validates one record body for one caller: it collects a detail
// per bad field, remembers the first internal failure, and carries what
// the checks need (the stored record on change, the parent record of a
// child, the time of the request).
type checker struct {
	ctx    context.Context
	db     *models.DB
	p      *models.Principal
	sp     *spec
	old    models.Record
	parent models.Record
	now    time.Time
	fields apierr.Fields
	err    error
	known  *regionSet
}

// checker starts the validation of a body of type sp; old is the stored
// record on change, nil on create.
func (r *Records) checker(ctx context.Context, p *models.Principal, sp *spec, old models.Record) *checker {
	return &checker{ctx: ctx, db: r.db, p: p, sp: sp, old: old, now: models.Now(), known: r.known}
}

// run validates d and, when it passes, stores it into m: 422 with every
// bad field, or an internal error.
func (ck *checker) run(d recordDTO, m models.Record) error {
	if cd, ok := d.(childDTO); ok {
		ck.loadParent(*cd.parentRef())
	}
	if ck.err == nil {
		d.check(ck)
	}
	if ck.err != nil {
		return ck.err
	}
	if err := ck.fields.Err(); err != nil {
		return err
	}
	if ck.old == nil {
		m.RecordMeta().CommissionerID = ck.p.CommissionerID
	}
	d.store(m, ck)
	return ck.err
}

// add records that field is bad (the first reason per field only).
func (ck *checker) add(field, zh, en string) {
	if !ck.fields.Has(field) {
		ck.fields.Add(field, zh, en)
	}
}

// fail remembers an internal failure.
func (ck *checker) fail(err error) {
	if ck.err == nil {
		ck.err = err
	}
}

// creating reports whether the body creates a record.
func (ck *checker) creating() bool { return ck.old == nil }

// loadParent loads a child's live parent, which on create must be the
// caller's own.
func (ck *checker) loadParent(id string) {
	field := ck.sp.parentCol
	if id == "" {
		ck.add(field, "必填", "required")
		return
	}
	par := ck.sp.parent.newModel()
	err := ck.db.LoadRecord(ck.ctx, par, id, false)
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && ck.creating() && !ownsRecord(ck.p, par)) {
		ck.add(field, "上级记录不存在", "no such parent record")
		return
	}
	if err != nil {
		ck.fail(err)
		return
	}
	ck.parent = par
}

// text checks a string field: required or not, at most max characters,
// no control characters (line breaks and tabs allowed when max > 200).
func (ck *checker) text(field, s string, max int, required bool) {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		ck.add(field, "必填", "required")
	case !utf8.ValidString(s):
		ck.add(field, "含有无效字符", "contains invalid characters")
	case utf8.RuneCountInString(s) > max:
		ck.add(field, fmt.Sprintf("不能超过 %d 个字", max), fmt.Sprintf("at most %d characters", max))
	case hasControl(s, max > 200):
		ck.add(field, "含有控制字符", "contains control characters")
	}
}

// hasControl reports whether s holds control characters (other than line
// breaks and tabs when multiline).
func hasControl(s string, multiline bool) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			return false
		}
		return unicode.IsControl(r)
	}) >= 0
}

// list checks a list of short names: at most maxItems, each non-empty,
// at most maxLen characters, no repeats.
func (ck *checker) list(field string, items []string, maxItems, maxLen int) {
	if len(items) > maxItems {
		ck.add(field, fmt.Sprintf("最多 %d 项", maxItems), fmt.Sprintf("at most %d items", maxItems))
		return
	}
	seen := map[string]bool{}
	for _, it := range items {
		ck.text(field, it, maxLen, true)
		if k := strings.TrimSpace(it); seen[k] {
			ck.add(field, "有重复项", "has repeated items")
		} else {
			seen[k] = true
		}
	}
}

// cleanList returns the trimmed items of a checked list, never nil.
func cleanList(items []string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, strings.TrimSpace(it))
	}
	return out
}

// uuidList checks a list of record ids.
func (ck *checker) uuidList(field string, ids []string, maxItems int) {
	ck.list(field, ids, maxItems, 36)
	for _, id := range ids {
		if u, err := uuid.Parse(id); err != nil || u.String() != id {
			ck.add(field, "须为小写 UUID", "must hold lower-case UUIDs")
		}
	}
}

// intIn checks lo <= v <= hi.
func (ck *checker) intIn(field string, v, lo, hi int64) {
	if v < lo || v > hi {
		ck.add(field, fmt.Sprintf("须在 %d 到 %d 之间", lo, hi), fmt.Sprintf("must be from %d to %d", lo, hi))
	}
}

// numIn checks lo <= v <= hi.
func (ck *checker) numIn(field string, v, lo, hi float64) {
	if !(v >= lo && v <= hi) {
		ck.add(field, fmt.Sprintf("须在 %g 到 %g 之间", lo, hi), fmt.Sprintf("must be from %g to %g", lo, hi))
	}
}

// trim is strings.TrimSpace, for storing checked texts.
func trim(s string) string { return strings.TrimSpace(s) }

// unique checks that no other live row of table matches cond (a season
// already harvested, a year's income already recorded).
func (ck *checker) unique(field, table, cond string, args ...any) {
	if ck.old != nil {
		cond += " AND id <> ?"
		args = append(args, ck.old.RecordMeta().ID)
	}
	taken, err := ck.db.Exists(ck.ctx, table, cond, args...)
	if err != nil {
		ck.fail(err)
		return
	}
	if taken {
		ck.add(field, "已有相同的记录", "a record for this already exists")
	}
}
