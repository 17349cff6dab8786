package models

import (
	"context"
	"encoding/json"
	"fmt"
	"math"

	"github.com/tepai/tepai/apierr"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// EvaluationResult is one commissioner's computed line of a run. Points are
// kept in hundredths; adjustments are kept apart and applied on read.
type EvaluationResult struct {
	Year           int    `gorm:"primaryKey"`
	RegionCode     string `gorm:"primaryKey"`
	CommissionerID string `gorm:"primaryKey"`
	Name           string
	BaseCenti      int64
	DeductionCenti int64
	Indicators     map[string]IndicatorScore `gorm:"serializer:json"`
	Flags          FlagSummary               `gorm:"serializer:json"`
}

// IndicatorScore is one indicator's value, target and points in a line.
type IndicatorScore struct {
	Value  float64 `json:"value"`
	Target float64 `json:"target"`
	Points float64 `json:"points"`
}

// FlagSummary is a line's evidence flags: the visits of the year carrying
// at least one flag, how many visits carry each flag, and the points the
// flagged visits cost.
type FlagSummary struct {
	FlaggedVisits int            `json:"flagged_visits"`
	Counts        map[string]int `json:"counts"`
	Deduction     float64        `json:"deduction"`
}

// RunEvaluation scores every commissioner whose home region is in region's
// subtree and whose term overlaps year, with the rubric that applies to the
// region, and replaces the stored results of year and region. Adjustments
// are kept. A locked year is 409.
func (db *DB) RunEvaluation(ctx context.Context, by Attribution, year int, region string) (*EvaluationRun, error) {
	info, err := db.ResolveRubric(ctx, year, region)
	if err != nil {
		return nil, err
	}
	if info.Locked {
		return nil, errLocked()
	}
	results, err := db.scoreAll(ctx, newEvalScope(db, year, region), &info.Rubric)
	if err != nil {
		return nil, err
	}
	run := &EvaluationRun{Year: year, RegionCode: region, Rubric: info.Rubric, Commissioners: len(results), RunBy: by.Actor.UserID, RunAt: Now()}
	if err := db.Tx(ctx, func(tx *gorm.DB) error { return db.storeRun(tx, by, run, results) }); err != nil {
		return nil, err
	}
	return run, nil
}

// storeRun replaces the results of run's year and region, unless locked.
func (db *DB) storeRun(tx *gorm.DB, by Attribution, run *EvaluationRun, results []EvaluationResult) error {
	old, err := db.evaluationRun(tx, run.Year, run.RegionCode, true)
	if err != nil {
		return err
	}
	if old.Locked() {
		return errLocked()
	}
	err = tx.Where("year = ? AND region_code = ?", run.Year, run.RegionCode).Delete(&EvaluationResult{}).Error
	if err != nil {
		return fmt.Errorf("clear evaluation results: %w", err)
	}
	if len(results) > 0 {
		if err := tx.CreateInBatches(results, 400).Error; err != nil {
			return fmt.Errorf("store evaluation results: %w", err)
		}
	}
	if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(run).Error; err != nil {
		return fmt.Errorf("store evaluation run: %w", err)
	}
	return writeAudit(tx, by, TypeEvaluationRun, evaluationKey(run.Year, run.RegionCode), ActionCreate, run.RegionCode, nil, run)
}

// scoreAll computes the lines of every commissioner in scope.
func (db *DB) scoreAll(ctx context.Context, s evalScope, r *Rubric) ([]EvaluationResult, error) {
	var roster []struct{ ID, Name string }
	if err := db.WithContext(ctx).Raw(fmt.Sprintf(sqlEvalRoster, s.scopeSQL), s.args()...).Scan(&roster).Error; err != nil {
		return nil, fmt.Errorf("evaluation roster: %w", err)
	}
	vals, err := db.indicatorValues(ctx, s)
	if err != nil {
		return nil, err
	}
	flags, err := db.flagSummaries(ctx, s)
	if err != nil {
		return nil, err
	}
	out := make([]EvaluationResult, 0, len(roster))
	for _, c := range roster {
		out = append(out, scoreLine(s, r, c.ID, c.Name, vals[c.ID], flags[c.ID]))
	}
	return out, nil
}

// scoreLine scores one commissioner's indicator values and flags.
func scoreLine(s evalScope, r *Rubric, id, name string, vals map[string]float64, flags FlagSummary) EvaluationResult {
	res := EvaluationResult{Year: s.year, RegionCode: s.region, CommissionerID: id, Name: name,
		Indicators: map[string]IndicatorScore{}, Flags: flags}
	for _, ind := range r.Indicators {
		v := vals[ind.Key]
		p := ind.points(v)
		res.BaseCenti += p
		res.Indicators[ind.Key] = IndicatorScore{Value: roundTo(v, 4), Target: ind.Target, Points: float64(p) / 100}
	}
	res.DeductionCenti = r.Deductions.deduction(res.Flags.FlaggedVisits)
	res.Flags.Deduction = float64(res.DeductionCenti) / 100
	if res.Flags.Counts == nil {
		res.Flags.Counts = map[string]int{}
	}
	return res
}

// flagSummaries counts each commissioner's flagged visits of the year, and
// the visits carrying each flag.
func (db *DB) flagSummaries(ctx context.Context, s evalScope) (map[string]FlagSummary, error) {
	var rows []struct {
		CID   string `gorm:"column:cid"`
		Flags string `gorm:"column:flags"`
	}
	err := db.WithContext(ctx).Raw(fmt.Sprintf(sqlEvalFlags, s.scopeSQL), s.args(s.from, s.to)...).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("evaluation flags: %w", err)
	}
	out := map[string]FlagSummary{}
	for _, r := range rows {
		var flags []string
		if json.Unmarshal([]byte(r.Flags), &flags) != nil || len(flags) == 0 {
			continue
		}
		sum := out[r.CID]
		if sum.Counts == nil {
			sum.Counts = map[string]int{}
		}
		sum.FlaggedVisits++
		seen := map[string]bool{}
		for _, f := range flags {
			if !seen[f] {
				seen[f] = true
				sum.Counts[f]++
			}
		}
		out[r.CID] = sum
	}
	return out, nil
}

// LockEvaluation makes year's evaluation of region final: runs, rubric
// changes and adjustments answer 409 afterwards. Locking needs a run (409
// without one); locking again is a no-op.
func (db *DB) LockEvaluation(ctx context.Context, by Attribution, year int, region string) (*EvaluationRun, error) {
	var run *EvaluationRun
	err := db.Tx(ctx, func(tx *gorm.DB) error {
		var err error
		if run, err = db.evaluationRun(tx, year, region, true); err != nil {
			return err
		}
		if run == nil {
			return apierr.Conflict("该年度尚未计算考核结果，不能锁定", "there is no run to lock yet")
		}
		if run.Locked() {
			return nil
		}
		now := Now()
		run.LockedAt, run.LockedBy = &now, by.Actor.UserID
		if err := tx.Model(run).Updates(map[string]any{"locked_at": now, "locked_by": run.LockedBy}).Error; err != nil {
			return fmt.Errorf("lock evaluation: %w", err)
		}
		return writeAudit(tx, by, TypeEvaluationRun, evaluationKey(year, region), ActionUpdate, region,
			map[string]any{"locked": false}, map[string]any{"locked": true, "locked_at": now})
	})
	return run, err
}

func roundTo(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}
