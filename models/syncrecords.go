package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// RecordID returns the record's id.
func (m *Meta) RecordID() string { return m.ID }

// RecordID returns the assignment's id.
func (a *Assignment) RecordID() string { return a.ID }

// RecordID returns the region's code, its id in sync.
func (r *Region) RecordID() string { return r.Code }

// RecordID returns the photo's id.
func (p *Photo) RecordID() string { return p.ID }

// RecordLoader loads the current (not deleted) records of one type by id,
// keyed by id; each value is a pointer to the model, which pull renders as
// the record's GET endpoint answers it.
type RecordLoader func(ctx context.Context, db *gorm.DB, ids []string) (map[string]any, error)

// recordLoaders are the types sync may carry, by the contract's type name.
var recordLoaders = map[string]RecordLoader{
	"region":           LoaderOf[Region]("code"),
	"assignment":       LoaderOf[Assignment]("id"),
	"visit":            LoaderOf[Visit]("id"),
	"training":         LoaderOf[Training]("id"),
	"plot":             LoaderOf[Plot]("id"),
	"plot_observation": LoaderOf[PlotObservation]("id"),
	"harvest":          LoaderOf[Harvest]("id"),
	"household":        LoaderOf[Household]("id"),
	"income":           LoaderOf[Income]("id"),
	"project":          LoaderOf[Project]("id"),
	"demand":           LoaderOf[Demand]("id"),
	"photo":            LoaderOf[Photo]("id"),
}

// RegisterRecordType makes records of another type available to sync;
// call it from an init function.
func RegisterRecordType(name string, load RecordLoader) { recordLoaders[name] = load }

// LoaderOf returns a RecordLoader for model T whose key column is col.
func LoaderOf[T any, P interface {
	*T
	RecordID() string
}](col string) RecordLoader {
	return func(ctx context.Context, db *gorm.DB, ids []string) (map[string]any, error) {
		var rows []T
		if err := db.WithContext(ctx).Where(col+" IN ?", ids).Find(&rows).Error; err != nil {
			return nil, err
		}
		out := make(map[string]any, len(rows))
		for i := range rows {
			p := P(&rows[i])
			out[p.RecordID()] = p
		}
		return out, nil
	}
}

// LoadCurrent loads the current records of one type by id: one query per
// call. A type sync does not know yields ok false.
func (db *DB) LoadCurrent(ctx context.Context, typ string, ids []string) (recs map[string]any, ok bool, err error) {
	load, ok := recordLoaders[typ]
	if !ok {
		return nil, false, nil
	}
	recs, err = load(ctx, db.DB, ids)
	if err != nil {
		return nil, true, fmt.Errorf("load %s records: %w", typ, err)
	}
	return recs, true, nil
}

// RecordScope returns the owner and the region of a record, where the
// record itself names them ("" where it does not, as for a harvest, whose
// region is its plot's).
func RecordScope(rec any) (owner, region string) {
	switch r := rec.(type) {
	case *Visit:
		return r.CommissionerID, r.VillageCode
	case *Training:
		return r.CommissionerID, r.RegionCode
	case *Plot:
		return r.CommissionerID, r.VillageCode
	case *Household:
		return r.CommissionerID, r.VillageCode
	case *Project:
		return r.CommissionerID, r.RegionCode
	case *Demand:
		return r.CommissionerID, r.RegionCode
	case *Assignment:
		return r.CommissionerID, r.VillageCode
	case *Region:
		return "", r.Code
	case *PlotObservation:
		return r.CommissionerID, ""
	case *Harvest:
		return r.CommissionerID, ""
	case *Income:
		return r.CommissionerID, ""
	case *Photo:
		return r.CommissionerID, r.RegionCode
	}
	return "", ""
}
