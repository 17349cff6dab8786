package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/tepai/tepai/apierr"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Audit record types of the annual evaluation.
const (
	TypeEvaluationRubric     = "evaluation_rubric"
	TypeEvaluationRun        = "evaluation_run"
	TypeEvaluationAdjustment = "evaluation_adjustment"
)

// Attribution says who makes a change and in which request, for the audit
// trail.
type Attribution struct {
	Actor     *Principal
	RequestID string
}

// EvaluationRubric is a rubric set for one year and region.
type EvaluationRubric struct {
	Year       int    `gorm:"primaryKey"`
	RegionCode string `gorm:"primaryKey"`
	Rubric     Rubric `gorm:"serializer:json"`
	UpdatedBy  string
	UpdatedAt  time.Time
}

// EvaluationRun is the latest run of one year's evaluation of a region,
// with the rubric it used and its lock.
type EvaluationRun struct {
	Year          int        `gorm:"primaryKey" json:"year"`
	RegionCode    string     `gorm:"primaryKey" json:"region_code"`
	Rubric        Rubric     `gorm:"serializer:json" json:"rubric"`
	Commissioners int        `json:"commissioners"`
	RunBy         string     `json:"run_by"`
	RunAt         time.Time  `json:"run_at"`
	LockedBy      string     `json:"-"`
	LockedAt      *time.Time `json:"locked_at"`
}

// Locked reports whether the year is final.
func (r *EvaluationRun) Locked() bool { return r != nil && r.LockedAt != nil }

// RubricInfo is the rubric that applies to a year and region: the one set
// for the region itself, else the nearest ancestor's, else DefaultRubric.
type RubricInfo struct {
	Year       int    `json:"year"`
	RegionCode string `json:"region_code"`
	// SourceRegion is the region the rubric was set for; "" for the default.
	SourceRegion string `json:"source_region"`
	IsDefault    bool   `json:"is_default"`
	Locked       bool   `json:"locked"`
	Rubric
}

// errLocked answers every change to a locked year.
func errLocked() error {
	return apierr.Conflict("该年度考核已锁定，不能再修改", "this year's evaluation is locked")
}

// Ancestors returns code and the codes of its ancestors, deepest first.
func Ancestors(code string) []string {
	out := []string{code}
	for p := ParentOf(code); p != ""; p = ParentOf(p) {
		out = append(out, p)
	}
	return out
}

// ResolveRubric returns the rubric that applies to year and region.
func (db *DB) ResolveRubric(ctx context.Context, year int, region string) (*RubricInfo, error) {
	var rows []EvaluationRubric
	err := db.WithContext(ctx).Where("year = ? AND region_code IN ?", year, Ancestors(region)).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("load rubrics %d %s: %w", year, region, err)
	}
	info := &RubricInfo{Year: year, RegionCode: region, IsDefault: true, Rubric: DefaultRubric()}
	for _, r := range rows {
		if len(r.RegionCode) > len(info.SourceRegion) || info.IsDefault {
			info.SourceRegion, info.IsDefault, info.Rubric = r.RegionCode, false, r.Rubric
		}
	}
	run, err := db.evaluationRun(db.WithContext(ctx), year, region, false)
	if err != nil {
		return nil, err
	}
	info.Locked = run.Locked()
	return info, nil
}

// PutRubric sets the rubric of year and region; a locked year is 409.
func (db *DB) PutRubric(ctx context.Context, by Attribution, year int, region string, r Rubric) error {
	return db.Tx(ctx, func(tx *gorm.DB) error {
		run, err := db.evaluationRun(tx, year, region, true)
		if err != nil {
			return err
		}
		if run.Locked() {
			return errLocked()
		}
		var before any
		var old EvaluationRubric
		switch err := tx.Where("year = ? AND region_code = ?", year, region).Take(&old).Error; {
		case err == nil:
			before = &old
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return fmt.Errorf("load rubric: %w", err)
		}
		row := EvaluationRubric{Year: year, RegionCode: region, Rubric: r, UpdatedBy: by.Actor.UserID, UpdatedAt: Now()}
		if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error; err != nil {
			return fmt.Errorf("save rubric: %w", err)
		}
		action := ActionCreate
		if before != nil {
			action = ActionUpdate
		}
		return writeAudit(tx, by, TypeEvaluationRubric, evaluationKey(year, region), action, region, before, &row)
	})
}

// evaluationRun loads the run of year and region (nil when there is none).
// When forUpdate, it first locks the region's row for the transaction:
// every change to a region's evaluations takes that one lock, so that
// concurrent runs, adjustments and locks queue up instead of deadlocking
// on a run row that does not exist yet (SQLite serialises writers anyway).
func (db *DB) evaluationRun(tx *gorm.DB, year int, region string, forUpdate bool) (*EvaluationRun, error) {
	if forUpdate {
		var r Region
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("code").Where("code = ?", region).Take(&r).Error
		if err != nil {
			return nil, fmt.Errorf("lock region %s: %w", region, err)
		}
	}
	var run EvaluationRun
	switch err := tx.Where("year = ? AND region_code = ?", year, region).Take(&run).Error; {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("load evaluation run %d %s: %w", year, region, err)
	}
	return &run, nil
}

// evaluationKey names a year's evaluation of a region in the audit trail.
func evaluationKey(year int, region string) string {
	return strconv.Itoa(year) + "/" + region
}

// writeAudit writes one audit entry for an evaluation change.
func writeAudit(tx *gorm.DB, by Attribution, typ, id, action, region string, before, after any) error {
	entry := AuditEntry{At: Now(), RecordType: typ, RecordID: id, Action: action, RegionCode: region, RequestID: by.RequestID}
	if by.Actor != nil {
		entry.ActorID, entry.ActorRole = by.Actor.UserID, by.Actor.Role
	}
	var err error
	if entry.BeforeJSON, err = jsonOrNil(before); err != nil {
		return err
	}
	if entry.AfterJSON, err = jsonOrNil(after); err != nil {
		return err
	}
	if err := tx.Create(&entry).Error; err != nil {
		return fmt.Errorf("write audit entry: %w", err)
	}
	return nil
}
