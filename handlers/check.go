package handlers

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/internal/textcheck"
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
		normalizeText(d)
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

// text checks a string field (brought to normal form by normalizeText
// before): required or not, at most max characters; one line without
// control or format characters, or, when max > 200, free text that may
// hold line breaks and tabs but no other control characters nor
// bidirectional overrides (see internal/textcheck).
func (ck *checker) text(field, s string, max int, required bool) {
	check := textcheck.Line
	if max > 200 {
		check = textcheck.Block
	}
	clean, problem := check(s)
	switch {
	case problem == textcheck.ProblemInvalid:
		ck.add(field, "含有无效字符", "contains invalid characters")
	case clean == "" && required:
		ck.add(field, "必填", "required")
	case utf8.RuneCountInString(clean) > max:
		ck.add(field, fmt.Sprintf("不能超过 %d 个字", max), fmt.Sprintf("at most %d characters", max))
	case problem == textcheck.ProblemControl:
		ck.add(field, "含有控制字符或不可见的格式字符", "contains control or invisible format characters")
	}
}

// normalizeText brings every text of a record body (string, *string and
// []string fields of the struct d points to) to the form it is checked
// and stored in: trimmed, in Unicode normal form C.
func normalizeText(d any) {
	v := reflect.ValueOf(d)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return
	}
	v = v.Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		if !f.CanSet() {
			continue
		}
		switch {
		case f.Kind() == reflect.String:
			f.SetString(textcheck.Normal(f.String()))
		case f.Kind() == reflect.Pointer && !f.IsNil() && f.Elem().Kind() == reflect.String:
			f.Elem().SetString(textcheck.Normal(f.Elem().String()))
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
			for k := range f.Len() {
				f.Index(k).SetString(textcheck.Normal(f.Index(k).String()))
			}
		}
	}
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
	for i, id := range ids {
		if ids[i] = NormalizeID(id); !isUUID(ids[i]) {
			ck.add(field, "须为 UUID（大小写均可）", "must hold UUIDs (any letter case)")
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

// area checks an area in mu: from 0.01 to models.MaxAreaMu, with at most
// two decimals (areas are stored and summed in hundredths of a mu, so a
// finer one would be stored as another area than sent).
func (ck *checker) area(field string, v float64) {
	switch {
	case !(v >= 0.01 && v <= models.MaxAreaMu):
		ck.add(field, fmt.Sprintf("须在 0.01 到 %d 之间", models.MaxAreaMu), fmt.Sprintf("must be from 0.01 to %d", models.MaxAreaMu))
	case !models.WholeHundredths(v):
		ck.add(field, "最多两位小数", "takes at most two decimals")
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
