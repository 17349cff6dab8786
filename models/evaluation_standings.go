package models

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/tepai/tepai/apierr"
	"gorm.io/gorm"
)

// EvaluationAdjustment is a bureau's manual change to a commissioner's
// score, with its reason. Adjustments outlive re-runs.
type EvaluationAdjustment struct {
	ID             string    `gorm:"primaryKey" json:"id"`
	Year           int       `json:"-"`
	RegionCode     string    `json:"-"`
	CommissionerID string    `json:"commissioner_id"`
	Centi          int64     `json:"-"`
	Points         float64   `gorm:"-" json:"points"`
	Reason         string    `json:"reason"`
	ActorID        string    `json:"actor_id"`
	CreatedAt      time.Time `json:"created_at"`
}

// Standing is one commissioner's place in an evaluation, adjustments
// applied; the *Centi fields and Score are in hundredths of a point.
type Standing struct {
	CommissionerID  string
	Name            string
	BaseCenti       int64
	DeductionCenti  int64
	AdjustmentCenti int64
	Score           int64
	Grade           string
	Rank            int
}

// Standings is a run with every line ranked: by score descending, equal
// scores sharing a rank (1, 1, 3), ties listed by commissioner id.
type Standings struct {
	Run   *EvaluationRun
	Lines []Standing
}

// Standings ranks year's evaluation of region as it stands now, with every
// adjustment so far; gorm.ErrRecordNotFound when it was never run.
func (db *DB) Standings(ctx context.Context, year int, region string) (*Standings, error) {
	q := db.WithContext(ctx)
	run, err := db.evaluationRun(q, year, region, false)
	if err != nil {
		return nil, err
	}
	if run == nil {
		return nil, fmt.Errorf("evaluation %d %s: %w", year, region, gorm.ErrRecordNotFound)
	}
	var lines []Standing
	err = q.Model(&EvaluationResult{}).Select("commissioner_id, name, base_centi, deduction_centi").
		Where("year = ? AND region_code = ?", year, region).Scan(&lines).Error
	if err != nil {
		return nil, fmt.Errorf("load evaluation results: %w", err)
	}
	byID, err := db.adjustmentTotals(q, year, region)
	if err != nil {
		return nil, err
	}
	for i := range lines {
		l := &lines[i]
		l.AdjustmentCenti = byID[l.CommissionerID]
		l.Score = l.BaseCenti - l.DeductionCenti + l.AdjustmentCenti
	}
	rankLines(lines, &run.Rubric)
	return &Standings{Run: run, Lines: lines}, nil
}

// adjustmentTotals sums each commissioner's adjustments (hundredths).
func (db *DB) adjustmentTotals(q *gorm.DB, year int, region string) (map[string]int64, error) {
	var adj []struct {
		CommissionerID string
		Total          int64
	}
	err := q.Model(&EvaluationAdjustment{}).Select("commissioner_id, SUM(centi) AS total").
		Where("year = ? AND region_code = ?", year, region).Group("commissioner_id").Scan(&adj).Error
	if err != nil {
		return nil, fmt.Errorf("load evaluation adjustments: %w", err)
	}
	byID := make(map[string]int64, len(adj))
	for _, a := range adj {
		byID[a.CommissionerID] = a.Total
	}
	return byID, nil
}

// rankLines sorts lines, gives ranks and grades, and applies the rubric's
// cap on the share of 优秀: at most floor(cap × lines) may keep it, given
// in rank order; a group of equal scores that does not fit whole becomes
// 合格, and so does every 优秀 below it.
func rankLines(lines []Standing, r *Rubric) {
	sort.Slice(lines, func(i, j int) bool {
		if lines[i].Score != lines[j].Score {
			return lines[i].Score > lines[j].Score
		}
		return lines[i].CommissionerID < lines[j].CommissionerID
	})
	limit := len(lines)
	if r.ExcellentShareCap != nil {
		limit = int(math.Floor(*r.ExcellentShareCap*float64(len(lines)) + 1e-9))
	}
	excellent, full := 0, false
	for start := 0; start < len(lines); {
		end := start
		for end < len(lines) && lines[end].Score == lines[start].Score {
			end++
		}
		grade := r.grade(lines[start].Score)
		if grade == GradeExcellent {
			if full || excellent+end-start > limit {
				grade, full = GradePass, true
			} else {
				excellent += end - start
			}
		}
		for i := start; i < end; i++ {
			lines[i].Rank, lines[i].Grade = start+1, grade
		}
		start = end
	}
}

// EvaluationDetails loads the stored lines and the adjustments (oldest
// first) of the commissioners ids in year's evaluation of region.
func (db *DB) EvaluationDetails(ctx context.Context, year int, region string, ids []string) (map[string]EvaluationResult, map[string][]EvaluationAdjustment, error) {
	results, adjs := map[string]EvaluationResult{}, map[string][]EvaluationAdjustment{}
	if len(ids) == 0 {
		return results, adjs, nil
	}
	q := db.WithContext(ctx).Where("year = ? AND region_code = ? AND commissioner_id IN ?", year, region, ids)
	var rows []EvaluationResult
	if err := q.Find(&rows).Error; err != nil {
		return nil, nil, fmt.Errorf("load evaluation lines: %w", err)
	}
	for _, r := range rows {
		results[r.CommissionerID] = r
	}
	var list []EvaluationAdjustment
	q = db.WithContext(ctx).Where("year = ? AND region_code = ? AND commissioner_id IN ?", year, region, ids)
	if err := q.Order("created_at, id").Find(&list).Error; err != nil {
		return nil, nil, fmt.Errorf("load evaluation adjustments: %w", err)
	}
	for _, a := range list {
		a.Points = float64(a.Centi) / 100
		adjs[a.CommissionerID] = append(adjs[a.CommissionerID], a)
	}
	return results, adjs, nil
}

// AdjustEvaluation adds points (in hundredths, may be negative) with a
// reason to a commissioner's line of year's evaluation of region. No run
// is 404, a locked year 409, a commissioner not in the run 422.
//
// id is the client's id for the adjustment (empty: the server makes one).
// The same id again with the same content answers the stored adjustment
// and created false, also after the lock, so that a retried request never
// adds the points twice; with other content it is 409.
func (db *DB) AdjustEvaluation(ctx context.Context, by Attribution, id string, year int, region, commissionerID string, pts int64, reason string) (adj *EvaluationAdjustment, created bool, err error) {
	if id == "" {
		id = NewID()
	}
	// Two retries of one adjustment racing each other both find no row;
	// the second insert then fails on the primary key and its second
	// attempt finds the first's row.
	for attempt := 0; ; attempt++ {
		adj, created, err = db.adjustOnce(ctx, by, id, year, region, commissionerID, pts, reason)
		if attempt == 0 && IsDuplicate(err) {
			continue
		}
		return adj, created, err
	}
}

func (db *DB) adjustOnce(ctx context.Context, by Attribution, id string, year int, region, commissionerID string, pts int64, reason string) (*EvaluationAdjustment, bool, error) {
	adj := &EvaluationAdjustment{ID: id, Year: year, RegionCode: region, CommissionerID: commissionerID,
		Centi: pts, Points: float64(pts) / 100, Reason: reason, ActorID: by.Actor.UserID, CreatedAt: Now()}
	created := false
	err := db.Tx(ctx, func(tx *gorm.DB) error {
		created = false
		var old EvaluationAdjustment
		err := tx.Where("id = ?", id).Take(&old).Error
		switch {
		case err == nil:
			if old.Year != year || old.RegionCode != region || old.CommissionerID != commissionerID || old.Centi != pts || old.Reason != reason {
				return apierr.Conflict("同一 id 的调整内容不同", "an adjustment with this id and other content exists")
			}
			old.Points = float64(old.Centi) / 100
			*adj = old
			return nil
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return fmt.Errorf("find adjustment %s: %w", id, err)
		}
		run, err := db.evaluationRun(tx, year, region, true)
		switch {
		case err != nil:
			return err
		case run == nil:
			return apierr.NotFound()
		case run.Locked():
			return errLocked()
		}
		var line EvaluationResult
		err = tx.Select("commissioner_id").Where("year = ? AND region_code = ? AND commissioner_id = ?", year, region, commissionerID).Take(&line).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return apierr.Invalid("commissioner_id", "该特派员不在本次考核名单中", "the commissioner is not in this evaluation")
		} else if err != nil {
			return fmt.Errorf("find evaluation line: %w", err)
		}
		if err := tx.Create(adj).Error; err != nil {
			return fmt.Errorf("store adjustment: %w", err)
		}
		created = true
		return writeAudit(tx, by, TypeEvaluationAdjustment, adj.ID, ActionCreate, region, nil, adj)
	})
	if err != nil {
		return nil, false, err
	}
	return adj, created, nil
}

// ScorecardRegion returns the region of the deepest evaluation of year
// with a line for the commissioner (its home region's own evaluation
// before its county's, its county's before its province's);
// gorm.ErrRecordNotFound when no run of the year has one.
func (db *DB) ScorecardRegion(ctx context.Context, year int, commissionerID string) (string, error) {
	var regions []string
	err := db.WithContext(ctx).Model(&EvaluationResult{}).Where("year = ? AND commissioner_id = ?", year, commissionerID).
		Pluck("region_code", &regions).Error
	if err != nil {
		return "", fmt.Errorf("find scorecard %d: %w", year, err)
	}
	best := ""
	for _, r := range regions {
		if len(r) > len(best) {
			best = r
		}
	}
	if best == "" {
		return "", fmt.Errorf("scorecard %d: %w", year, gorm.ErrRecordNotFound)
	}
	return best, nil
}
