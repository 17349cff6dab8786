package testenv

import (
	"context"
	"fmt"

	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// Write stores a record the way the record handlers do, failing the test
// on error; see WriteRecord.
func (e *Env) Write(action string, before, after any) {
	e.T.Helper()
	if err := WriteRecord(context.Background(), e.DB(), action, before, after); err != nil {
		e.T.Fatal(err)
	}
}

// WriteRecord stores a record the way the record handlers do: the row and
// its change (audit entry, change log, rollups) in one transaction.
// action is models.ActionCreate (after), ActionUpdate (before and after;
// after is saved) or ActionDelete (before, soft-deleted). Records are
// model struct pointers.
func WriteRecord(ctx context.Context, db *models.DB, action string, before, after any) error {
	rec := after
	if rec == nil {
		rec = before
	}
	typ, id, cid, region, err := ident(rec)
	if err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *gorm.DB) error {
		var err error
		switch action {
		case models.ActionCreate:
			err = tx.Create(after).Error
		case models.ActionUpdate:
			err = tx.Save(after).Error
		case models.ActionDelete:
			err = tx.Delete(before).Error
		}
		if err != nil {
			return fmt.Errorf("%s %s: %w", action, typ, err)
		}
		return models.RecordChange(tx, models.Change{Type: typ, ID: id, Action: action, CommissionerID: cid,
			RegionCode: region, Before: before, After: after})
	})
}

// ident names a record for its change: type, id, owner and region.
func ident(rec any) (typ, id, commissioner, region string, err error) {
	switch r := rec.(type) {
	case *models.Visit:
		return "visit", r.ID, r.CommissionerID, r.VillageCode, nil
	case *models.Training:
		return "training", r.ID, r.CommissionerID, r.RegionCode, nil
	case *models.Plot:
		return "plot", r.ID, r.CommissionerID, r.VillageCode, nil
	case *models.Harvest:
		return "harvest", r.ID, r.CommissionerID, "", nil
	case *models.Household:
		return "household", r.ID, r.CommissionerID, r.VillageCode, nil
	case *models.Income:
		return "income", r.ID, r.CommissionerID, "", nil
	case *models.Project:
		return "project", r.ID, r.CommissionerID, r.RegionCode, nil
	case *models.Demand:
		return "demand", r.ID, r.CommissionerID, r.RegionCode, nil
	case *models.Assignment:
		return "assignment", r.ID, r.CommissionerID, r.VillageCode, nil
	}
	return "", "", "", "", fmt.Errorf("write record: unknown type %T", rec)
}
