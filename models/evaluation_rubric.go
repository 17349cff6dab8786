package models

import (
	"fmt"
	"math"

	"github.com/tepai/tepai/apierr"
)

// IndicatorKeys are the indicators a rubric may score, in display order.
var IndicatorKeys = []string{
	"visit_days", "visits", "trainings", "trainees", "villages_visited_rate",
	"plots", "plot_area_mu", "technologies", "income_increase_fen", "demands_resolved",
}

// Grades of the annual evaluation, best first.
const (
	GradeExcellent = "优秀"
	GradePass      = "合格"
	GradeBasic     = "基本合格"
	GradeFail      = "不合格"
)

// gradeOrder lists the grades a rubric sets a cut-off for, best first.
var gradeOrder = []string{GradeExcellent, GradePass, GradeBasic}

// Indicator is one scored indicator of a rubric: points = Weight ×
// min(value / Target, Cap).
type Indicator struct {
	Key    string  `json:"key"`
	Target float64 `json:"target"`
	Weight float64 `json:"weight"`
	Cap    float64 `json:"cap"`
}

// Deductions is how evidence flags on visits cost points: PerFlaggedVisit
// for each visit of the year carrying at least one flag, at most Max.
type Deductions struct {
	PerFlaggedVisit float64 `json:"per_flagged_visit"`
	Max             float64 `json:"max"`
}

// Rubric is how one year's evaluation of a region scores commissioners.
type Rubric struct {
	Indicators []Indicator        `json:"indicators"`
	Grades     map[string]float64 `json:"grades"`
	// ExcellentShareCap, when set, caps the share of 优秀 (0–1).
	ExcellentShareCap *float64   `json:"excellent_share_cap"`
	Deductions        Deductions `json:"deductions"`
}

// DefaultRubric is the rubric a region uses when neither it nor an ancestor
// has one for the year, modelled on how provincial bureaus score
// commissioners: days in the field first, then visits, trainings and the
// people trained, each assigned village visited, demonstration plots and
// area, technologies and varieties promoted, farmers' income increase and
// demands resolved. The weights sum to 100.
func DefaultRubric() Rubric {
	share := 0.3
	return Rubric{
		Indicators: []Indicator{
			{Key: "visit_days", Target: 60, Weight: 20, Cap: 1},
			{Key: "visits", Target: 60, Weight: 10, Cap: 1},
			{Key: "trainings", Target: 4, Weight: 10, Cap: 1},
			{Key: "trainees", Target: 200, Weight: 10, Cap: 1},
			{Key: "villages_visited_rate", Target: 1, Weight: 15, Cap: 1},
			{Key: "plots", Target: 1, Weight: 5, Cap: 1},
			{Key: "plot_area_mu", Target: 50, Weight: 5, Cap: 1},
			{Key: "technologies", Target: 3, Weight: 10, Cap: 1},
			{Key: "income_increase_fen", Target: 10_000_000, Weight: 10, Cap: 1},
			{Key: "demands_resolved", Target: 5, Weight: 5, Cap: 1},
		},
		Grades:            map[string]float64{GradeExcellent: 90, GradePass: 75, GradeBasic: 60},
		ExcellentShareCap: &share,
		Deductions:        Deductions{PerFlaggedVisit: 1, Max: 10},
	}
}

// Limits a rubric must keep.
const (
	MaxWeightTotal  = 100
	MaxIndicatorCap = 5
	MaxDeduction    = 100
)

// Validate adds one entry to fields per bad field of r (none for a field already there): known, distinct keys;
// target > 0; weight ≥ 0 with a total above 0 and at most 100; cap in
// (0, 5]; the three cut-offs present, at least 0 and strictly descending;
// the share cap in [0, 1]; deductions in [0, 100].
func (r *Rubric) Validate(fields *apierr.Fields) {
	f := onceFields{fields}
	r.validateIndicators(f)
	r.validateGrades(f)
	if s := r.ExcellentShareCap; s != nil && !(*s >= 0 && *s <= 1) {
		f.Add("excellent_share_cap", "优秀比例上限须在 0 到 1 之间", "excellent_share_cap must be from 0 to 1")
	}
	if d := r.Deductions.PerFlaggedVisit; !(d >= 0 && d <= MaxDeduction) {
		f.Add("deductions.per_flagged_visit", "扣分须在 0 到 100 之间", "must be from 0 to 100")
	}
	if d := r.Deductions.Max; !(d >= 0 && d <= MaxDeduction) {
		f.Add("deductions.max", "扣分上限须在 0 到 100 之间", "must be from 0 to 100")
	}
}

func (r *Rubric) validateIndicators(f onceFields) {
	if len(r.Indicators) == 0 {
		f.Add("indicators", "至少需要一项指标", "at least one indicator is required")
		return
	}
	seen := map[string]bool{}
	total := 0.0
	for i, ind := range r.Indicators {
		p := fmt.Sprintf("indicators[%d].", i)
		if seen[ind.Key] {
			f.Add(p+"key", "指标重复", "indicator listed twice")
		}
		seen[ind.Key] = true
		total += ind.validate(f, p)
	}
	if total <= 0 || total > MaxWeightTotal+1e-9 {
		f.Add("indicators", "权重合计须大于 0 且不超过 100", "the weights must sum to more than 0 and at most 100")
	}
}

// validate checks one indicator, its fields named with prefix p, and
// returns its weight when valid (else 0).
func (ind Indicator) validate(f onceFields, p string) float64 {
	if !knownIndicator(ind.Key) {
		f.Add(p+"key", "未知的指标", "unknown indicator key")
	}
	if !(ind.Target > 0) || ind.Target > 1e13 {
		f.Add(p+"target", "目标值须大于 0", "target must be greater than 0")
	}
	if !(ind.Cap > 0) || ind.Cap > MaxIndicatorCap {
		f.Add(p+"cap", "封顶倍数须大于 0 且不超过 5", "cap must be greater than 0 and at most 5")
	}
	if !(ind.Weight >= 0) || ind.Weight > MaxWeightTotal {
		f.Add(p+"weight", "权重须在 0 到 100 之间", "weight must be from 0 to 100")
		return 0
	}
	return ind.Weight
}

func (r *Rubric) validateGrades(f onceFields) {
	for g := range r.Grades {
		if g != GradeExcellent && g != GradePass && g != GradeBasic {
			f.Add("grades."+g, "只能设置 优秀、合格、基本合格 的分数线", "only 优秀, 合格 and 基本合格 take a cut-off")
		}
	}
	prev := math.Inf(1)
	for _, g := range gradeOrder {
		v, ok := r.Grades[g]
		switch {
		case !ok:
			f.Add("grades."+g, "缺少该等级的分数线", "cut-off missing")
		case !(v >= 0) || v > 1000:
			f.Add("grades."+g, "分数线须在 0 到 1000 之间", "cut-off must be from 0 to 1000")
		case v >= prev:
			f.Add("grades."+g, "分数线须从高到低递减", "cut-offs must descend from 优秀 to 基本合格")
		}
		if ok {
			prev = v
		}
	}
}

// onceFields adds at most one failure per field, so that a field already
// reported (say, as missing) is not reported again.
type onceFields struct{ f *apierr.Fields }

func (o onceFields) Add(field, zh, en string) {
	if !o.f.Has(field) {
		o.f.Add(field, zh, en)
	}
}

func knownIndicator(key string) bool {
	for _, k := range IndicatorKeys {
		if k == key {
			return true
		}
	}
	return false
}

// centi converts points or mu to hundredths, rounding half away from
// zero: the unit scores and areas are summed in.
func centi(points float64) int64 { return int64(math.Round(points * 100)) }

// points returns ind's points for value, in hundredths: Weight × min(value
// / Target, Cap); a negative value earns nothing.
func (ind Indicator) points(value float64) int64 {
	ratio := value / ind.Target
	if ratio < 0 {
		ratio = 0
	}
	if ratio > ind.Cap {
		ratio = ind.Cap
	}
	return centi(ind.Weight * ratio)
}

// deduction returns the points flagged visits cost, in hundredths.
func (d Deductions) deduction(flagged int) int64 {
	return centi(math.Min(float64(flagged)*d.PerFlaggedVisit, d.Max))
}

// grade returns the highest grade whose cut-off score (in hundredths)
// reaches, else 不合格.
func (r *Rubric) grade(score int64) string {
	for _, g := range gradeOrder {
		if score >= centi(r.Grades[g]) {
			return g
		}
	}
	return GradeFail
}
