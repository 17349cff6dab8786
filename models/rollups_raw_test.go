package models_test

import (
	"strconv"
	"testing"

	"github.com/tepai/tepai/models"
)

// rawServices computes the service figures by plain GROUP BY queries over
// the record tables, in total (groupCol "") or per commissioner.
func rawServices(t *testing.T, db *models.DB, region string, p models.Period, groupCol string) map[string]models.ServiceFigures {
	t.Helper()
	from, to := p.Instants()
	lo, hi := models.PrefixRange(region)
	g, groupBy := "'' AS g", ""
	if groupCol != "" {
		g, groupBy = groupCol+" AS g", " GROUP BY "+groupCol
	}
	var visits []struct {
		G                                    string
		Visits, VisitDays, Farmers, Leaflets int64
	}
	var trainings []struct {
		G                   string
		Trainings, Trainees int64
	}
	var plots []struct {
		G     string
		Plots int64
		Cmu   float64
	}
	vf := " FROM visits WHERE deleted_at IS NULL AND village_code >= ? AND village_code < ? AND started_at >= ? AND started_at < ?"
	tf := " FROM trainings WHERE deleted_at IS NULL AND region_code >= ? AND region_code < ? AND held_at >= ? AND held_at < ?"
	pf := " FROM plots WHERE deleted_at IS NULL AND village_code >= ? AND village_code < ? AND " +
		"(CASE WHEN established_on <> '' THEN established_on ELSE " + day(db, "created_at") + " END) BETWEEN ? AND ?"
	must(t, db.Raw("SELECT "+g+", COUNT(*) AS visits, COUNT(DISTINCT "+pair(db, day(db, "started_at"))+") AS visit_days, "+
		"COALESCE(SUM(farmers_served), 0) AS farmers, COALESCE(SUM(leaflets), 0) AS leaflets"+vf+groupBy, lo, hi, from, to).Scan(&visits).Error)
	must(t, db.Raw("SELECT "+g+", COUNT(*) AS trainings, COALESCE(SUM(attendees), 0) AS trainees"+tf+groupBy, lo, hi, from, to).Scan(&trainings).Error)
	must(t, db.Raw("SELECT "+g+", COUNT(*) AS plots, COALESCE(SUM(ROUND(area_mu * 100)), 0) AS cmu"+pf+groupBy, lo, hi, p.From, p.To).Scan(&plots).Error)
	out := map[string]models.ServiceFigures{}
	edit := func(key string, fn func(*models.ServiceFigures)) {
		f := out[key]
		fn(&f)
		out[key] = f
	}
	for _, v := range visits {
		edit(v.G, func(f *models.ServiceFigures) {
			f.Visits, f.VisitDays, f.FarmersServed, f.Leaflets = v.Visits, v.VisitDays, v.Farmers, v.Leaflets
		})
	}
	for _, r := range trainings {
		edit(r.G, func(f *models.ServiceFigures) { f.Trainings, f.Trainees = r.Trainings, r.Trainees })
	}
	for _, r := range plots {
		edit(r.G, func(f *models.ServiceFigures) { f.Plots, f.PlotAreaMu = r.Plots, float64(round(r.Cmu))/100 })
	}
	techs, vars := map[string]map[string]bool{}, map[string]map[string]bool{}
	set := func(m map[string]map[string]bool, k string) map[string]bool {
		if m[k] == nil {
			m[k] = map[string]bool{}
		}
		return m[k]
	}
	var items []struct{ G, Technologies, Varieties, Technology, Variety string }
	must(t, db.Raw("SELECT "+g+", COALESCE(technologies, '') AS technologies, COALESCE(varieties, '') AS varieties"+vf, lo, hi, from, to).Scan(&items).Error)
	for _, it := range items {
		names(set(techs, it.G), it.Technologies, true)
		names(set(vars, it.G), it.Varieties, true)
	}
	items = nil
	must(t, db.Raw("SELECT "+g+", COALESCE(technologies, '') AS technologies"+tf, lo, hi, from, to).Scan(&items).Error)
	for _, it := range items {
		names(set(techs, it.G), it.Technologies, true)
	}
	items = nil
	must(t, db.Raw("SELECT "+g+", technology, variety"+pf, lo, hi, p.From, p.To).Scan(&items).Error)
	for _, it := range items {
		names(set(techs, it.G), it.Technology, false)
		names(set(vars, it.G), it.Variety, false)
	}
	for k, s := range techs {
		edit(k, func(f *models.ServiceFigures) { f.Technologies = int64(len(s)) })
	}
	for k, s := range vars {
		edit(k, func(f *models.ServiceFigures) { f.Varieties = int64(len(s)) })
	}
	if groupCol != "" {
		for k, f := range out {
			if f == (models.ServiceFigures{}) {
				delete(out, k)
			}
		}
	}
	return out
}

// rawVisited counts the rural villages under region with a visit in p.
func rawVisited(t *testing.T, db *models.DB, region string, p models.Period) int64 {
	from, to := p.Instants()
	lo, hi := models.PrefixRange(region)
	var n int64
	must(t, db.Raw("SELECT COUNT(DISTINCT v.village_code) FROM visits v JOIN regions r ON r.code = v.village_code AND r.rural = ? "+
		"WHERE v.deleted_at IS NULL AND v.village_code >= ? AND v.village_code < ? AND v.started_at >= ? AND v.started_at < ?",
		true, lo, hi, from, to).Scan(&n).Error)
	return n
}

// rawIncome computes the income figures from households, incomes,
// harvests and plots.
func rawIncome(t *testing.T, db *models.DB, region string, year int) models.IncomeFigures {
	lo, hi := models.PrefixRange(region)
	var hh []struct {
		BaselineYear              int
		BaselineIncomeFen, Income int64
	}
	must(t, db.Raw("SELECT h.baseline_year, h.baseline_income_fen, SUM(i.income_fen) AS income FROM households h "+
		"JOIN incomes i ON i.household_id = h.id AND i.deleted_at IS NULL AND i.year = ? "+
		"WHERE h.deleted_at IS NULL AND h.village_code >= ? AND h.village_code < ? GROUP BY h.id, h.baseline_year, h.baseline_income_fen",
		year, lo, hi).Scan(&hh).Error)
	var f models.IncomeFigures
	for _, h := range hh {
		if year > h.BaselineYear {
			f.Households++
			f.IncomeIncreaseFen += h.Income - h.BaselineIncomeFen
			if h.Income > h.BaselineIncomeFen {
				f.HouseholdsIncreased++
			}
		}
	}
	if f.Households > 0 {
		f.AvgIncreaseFen = round(float64(f.IncomeIncreaseFen) / float64(f.Households))
	}
	var harvests []struct {
		PerMu  int64
		AreaMu float64
	}
	must(t, db.Raw("SELECT h.income_increase_fen_per_mu AS per_mu, p.area_mu FROM harvests h JOIN plots p ON p.id = h.plot_id "+
		"WHERE h.deleted_at IS NULL AND p.deleted_at IS NULL AND p.village_code >= ? AND p.village_code < ? AND h.harvested_on LIKE ?",
		lo, hi, itoa(year)+"-%").Scan(&harvests).Error)
	for _, h := range harvests {
		f.PlotIncomeIncreaseFen += round(float64(h.PerMu) * float64(round(h.AreaMu*100)) / 100)
	}
	return f
}

func itoa(n int) string { return strconv.Itoa(n) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
