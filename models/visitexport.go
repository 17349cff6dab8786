package models

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"
)

// visitExportColumns are the visit columns an export reads.
const visitExportColumns = "visits.id, visits.commissioner_id, visits.village_code, visits.started_at, visits.ended_at, " +
	"visits.category, visits.crops, visits.problem, visits.advice, visits.farmers_served, visits.leaflets, " +
	"visits.technologies, visits.varieties, visits.lat, visits.lng, visits.accuracy_m, visits.flags, visits.notes"

// VisitPages calls fn with every visit q selects, newest first (by start,
// then id), size at a time: q is a query on visits, scoped and filtered by
// the caller, without an order. Each page is one query on the list's
// keyset whose rows are read and closed before fn runs, so an export holds
// no connection while it loads names or writes to its client, however
// many run at once and however small the pool. It fills the fields an
// export shows (not the version, timestamps, household ids or device
// time), scanning columns directly: it is on the path of million-row
// exports.
func (db *DB) VisitPages(q *gorm.DB, size int, fn func([]*Visit) error) error {
	var last *Visit
	for {
		page := q.Session(&gorm.Session{}).Model(&Visit{}).Select(visitExportColumns)
		if last != nil {
			page = page.Where("(visits.started_at < ? OR (visits.started_at = ? AND visits.id < ?))", last.StartedAt, last.StartedAt, last.ID)
		}
		visits := make([]*Visit, 0, size)
		_, err := scanVisits(page.Order("visits.started_at DESC").Order("visits.id DESC").Limit(size), func(v *Visit) error {
			visits = append(visits, v)
			return nil
		})
		if err != nil {
			return err
		}
		if len(visits) > 0 {
			if err := fn(visits); err != nil {
				return err
			}
		}
		if len(visits) < size {
			return nil
		}
		last = visits[len(visits)-1]
	}
}

// VisitPhotoCounts returns how many live photos each of the visits has
// (visits without any are absent).
func (db *DB) VisitPhotoCounts(ctx context.Context, visitIDs []string) (map[string]int, error) {
	var rows []struct {
		OwnerID string
		N       int
	}
	err := db.WithContext(ctx).Model(&Photo{}).Select("owner_id, COUNT(*) AS n").
		Where("owner_type = ? AND owner_id IN ?", "visit", visitIDs).Group("owner_id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("count visit photos: %w", err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.OwnerID] = r.N
	}
	return out, nil
}

// scanVisits runs the query and calls fn for each visit, returning how
// many there were. fn may keep the visit: each is a new value.
func scanVisits(page *gorm.DB, fn func(*Visit) error) (int, error) {
	rows, err := page.Rows()
	if err != nil {
		return 0, fmt.Errorf("read visits: %w", err)
	}
	defer rows.Close()
	n := 0
	var crops, problem, advice, techs, vars, flags, notes sql.NullString
	for rows.Next() {
		v := &Visit{}
		err := rows.Scan(&v.ID, &v.CommissionerID, &v.VillageCode, &v.StartedAt, &v.EndedAt, &v.Category, &crops, &problem,
			&advice, &v.FarmersServed, &v.Leaflets, &techs, &vars, &v.Lat, &v.Lng, &v.AccuracyM, &flags, &notes)
		if err != nil {
			return n, fmt.Errorf("read visit: %w", err)
		}
		v.Problem, v.Advice, v.Notes = problem.String, advice.String, notes.String
		v.Crops, v.Technologies, v.Varieties, v.Flags = stringList(crops), stringList(techs), stringList(vars), stringList(flags)
		n++
		if err := fn(v); err != nil {
			return n, err
		}
	}
	return n, rows.Err()
}

// stringList decodes a JSON array of strings; anything else is empty.
func stringList(s sql.NullString) []string {
	if !s.Valid || len(s.String) < 2 || s.String[0] != '[' {
		return nil
	}
	var out []string
	_ = json.Unmarshal([]byte(s.String), &out)
	return out
}

// Names resolves commissioner ids and region codes to names for exports,
// loading the ones it has not seen in one query each and keeping them.
type Names struct {
	db                     *DB
	commissioners, regions map[string]string
}

// NewNames returns an empty name cache.
func (db *DB) NewNames() *Names {
	return &Names{db: db, commissioners: map[string]string{}, regions: map[string]string{}}
}

// Load fetches the names of the ids and codes not yet known.
func (n *Names) Load(ctx context.Context, commissionerIDs, codes []string) error {
	if err := n.load(ctx, "commissioners", "id", commissionerIDs, n.commissioners); err != nil {
		return err
	}
	return n.load(ctx, "regions", "code", codes, n.regions)
}

func (n *Names) load(ctx context.Context, table, key string, want []string, known map[string]string) error {
	var missing []string
	for _, k := range want {
		if _, ok := known[k]; !ok {
			known[k] = ""
			missing = append(missing, k)
		}
	}
	for len(missing) > 0 {
		part := missing[:min(len(missing), 500)]
		missing = missing[len(part):]
		var rows []struct{ K, Name string }
		err := n.db.WithContext(ctx).Raw("SELECT "+key+" AS k, name FROM "+table+" WHERE "+key+" IN ?", part).Scan(&rows).Error
		if err != nil {
			return fmt.Errorf("load %s names: %w", table, err)
		}
		for _, r := range rows {
			known[r.K] = r.Name
		}
	}
	return nil
}

// Commissioner is a loaded commissioner's name.
func (n *Names) Commissioner(id string) string { return n.commissioners[id] }

// Region is a loaded region's name.
func (n *Names) Region(code string) string { return n.regions[code] }
