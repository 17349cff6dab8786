package handlers_test

import (
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// testRubric is the hand-worked rubric of the scoring test (weights sum
// to 100; plots is shown but weighs nothing).
var testRubric = map[string]any{
	"indicators": []map[string]any{
		{"key": "visit_days", "target": 10, "weight": 30},
		{"key": "visits", "target": 10, "weight": 10, "cap": 1.5},
		{"key": "trainings", "target": 2, "weight": 10},
		{"key": "trainees", "target": 100, "weight": 10},
		{"key": "villages_visited_rate", "target": 1, "weight": 10},
		{"key": "plots", "target": 1, "weight": 0},
		{"key": "plot_area_mu", "target": 20, "weight": 10},
		{"key": "technologies", "target": 4, "weight": 10},
		{"key": "income_increase_fen", "target": 1000000, "weight": 5},
		{"key": "demands_resolved", "target": 2, "weight": 5},
	},
	"grades":              map[string]any{"优秀": 85, "合格": 70, "基本合格": 50},
	"excellent_share_cap": 0.4,
	"deductions":          map[string]any{"per_flagged_visit": 2, "max": 3},
}

// roster is the scoring fixture: six commissioners of Kaihua (a–f) with
// records of 2024 and around it, one of another county (g) and one whose
// term ended in 2022 (h). The comments give each one's indicator values
// and points under testRubric.
type roster struct{ a, b, c, d, e, f, g, h *testenv.Person }

func newRoster(t *testing.T, env *testenv.Env) roster {
	r := roster{}
	for _, p := range []**testenv.Person{&r.a, &r.b, &r.c, &r.d, &r.e, &r.f, &r.h} {
		*p = env.NewUser(models.RoleCommissioner, "330824")
	}
	r.g = env.NewUser(models.RoleCommissioner, "330825")
	rosterA(newRecs(t, env, r.a.Commissioner))
	rosterB(newRecs(t, env, r.b.Commissioner))
	rosterC(newRecs(t, env, r.c.Commissioner))
	rosterD(t, env, newRecs(t, env, r.d.Commissioner))
	rosterE(newRecs(t, env, r.e.Commissioner))
	// f: its only visit is on 2023-12-31 (23:59 in Shanghai): no record of
	// 2024, every indicator 0 → score 0, 不合格.
	newRecs(t, env, r.f.Commissioner).visit(village200, "2023-12-31 23:59", nil, nil, nil)
	// g (home county 330825) and h (term 2020–2022) are not evaluated.
	newRecs(t, env, r.g.Commissioner).days(village200, "2024-03-01", 20)
	err := env.DB().Model(r.h.Commissioner).Updates(map[string]any{"term_start": "2020-01-01", "term_end": "2022-12-31"}).Error
	if err != nil {
		t.Fatal(err)
	}
	newRecs(t, env, r.h.Commissioner).days(village200, "2024-03-01", 20)
	return r
}

// rosterA: visit_days 10 (03-01…03-09 and 12-31 23:30, which is still
// 2024 in Shanghai) → 30; visits 15 → ratio 1.5 = cap → 15; trainings 2
// → 10; trainees 120 → capped 10; villages 2 of 2 → 10; plots 1 → 0;
// 25 mu → capped 10; technologies T1 T2 T3 V1 = 4 → 10; income +1,000,000
// → 5; demands 2 → 5. Total 105.
func rosterA(r *recs) {
	r.assign(village200, "2023-01-01", "")
	r.assign(village201, "2023-01-01", "")
	r.days(village200, "2024-03-01", 5)
	r.days(village201, "2024-03-06", 4)
	for _, d := range []string{"01", "02", "03", "04", "05"} {
		r.visit(village201, "2024-03-"+d+" 15:00", nil, nil, nil)
	}
	r.visit(village200, "2024-12-31 23:30", []string{"T1", "T2"}, []string{"V1"}, nil)
	r.training("2024-04-10", 60, []string{"T1", "T3"})
	r.training("2024-09-10", 60, nil)
	r.plot(village200, 25, "2024-02-01", "", "")
	r.household(2023, 1_000_000, 2024, 2_000_000)
	r.demand("2024-05-01 10:00")
	r.demand("2024-11-01 10:00")
}

// rosterB: visit_days 8 → 24; visits 9 → 9; trainings 2 → 10; trainees
// 100 → 10; villages: the team's 202 (visited) counts, 205 (ended 2023)
// and 207 (from 2025) do not: 1 of 1 → 10; 20 mu → 10; technologies T1
// T5 V2 = 3 → 7.5; income: harvest 30,000/mu × 20 mu = 600,000 (the 2023
// harvest does not count) + household +200,000 (the one with a 2024
// baseline does not count) = 800,000 → 4; demands 2 → 5. Total 89.5.
func rosterB(r *recs) {
	r.teamAssign(village202, "2024-01-01")
	r.assign(village205, "2022-01-01", "2023-12-31")
	r.assign(village207, "2025-02-01", "")
	r.days(village202, "2024-05-01", 8)
	r.visit(village202, "2024-05-01 16:00", []string{"T1"}, nil, nil)
	r.training("2024-06-01", 50, nil)
	r.training("2024-06-15", 50, nil)
	p := r.plot(village202, 20, "2024-04-01", "T5", "V2")
	r.harvest(p, "2024-10-01", 30_000)
	r.harvest(p, "2023-10-01", 100_000)
	r.household(2023, 500_000, 2024, 700_000)
	r.household(2024, 100_000, 2024, 150_000)
	r.demand("2024-07-01 10:00")
	r.demand("2024-08-01 10:00")
}

// rosterC: visit_days 10 → 30; visits 10 → 10; trainings 2 → 10;
// trainees 100 → 10; villages 1 of 2 → 5; 10 mu → 5; technologies T1–T4
// → 10; income +2,000,000 → capped 5; demands 3 of 2024 → capped 5 (one
// resolved on 2025-01-01 00:30 Shanghai and one still claimed do not
// count). 90 points − flags: 2 flagged visits of 2024 × 2 = 4, capped at 3
// (the flagged 2023 visit does not count) → 87, 优秀 by its cut-off but
// third of six with a 40 % cap (floor(2.4) = 2) → 合格.
func rosterC(r *recs) {
	r.assign(village203, "2024-01-01", "")
	r.assign(village204, "2024-01-01", "")
	r.visit(village203, "2024-06-01 09:00", []string{"T1", "T2", "T3", "T4"}, nil, []string{"far_from_village"})
	r.visit(village203, "2024-06-02 09:00", nil, nil, []string{"far_from_village", "photo_time_mismatch"})
	r.days(village203, "2024-06-03", 8)
	r.visit(village203, "2023-06-01 09:00", nil, nil, []string{"far_from_village"})
	r.training("2024-07-01", 60, nil)
	r.training("2024-07-02", 40, nil)
	r.plot(village203, 10, "2024-03-01", "", "")
	r.household(2022, 1_000_000, 2024, 3_000_000)
	for _, at := range []string{"2024-03-01 10:00", "2024-04-01 10:00", "2024-05-01 10:00", "2025-01-01 00:30", ""} {
		r.demand(at)
	}
}

// rosterD: visit_days 10 → 30; visits 10 → 10 (a deleted visit and one on
// 2025-01-01 00:10 Shanghai do not count); trainings 2 → 10; trainees 100
// → 10; no assignment → rate 0 → 0; its only plot is of 2023 → 0;
// technologies T1 T2 V1 V2 → 10; income +1,000,000 → 5; demands 0.
// Total 75.
func rosterD(t *testing.T, env *testenv.Env, r *recs) {
	r.days(village208, "2024-07-01", 9)
	r.visit(village208, "2024-07-10 09:00", []string{"T1", "T2"}, []string{"V1", "V2"}, nil)
	gone := r.visit(village208, "2024-07-11 09:00", nil, nil, nil)
	if err := env.DB().Delete(gone).Error; err != nil {
		t.Fatal(err)
	}
	r.visit(village208, "2025-01-01 00:10", nil, nil, nil)
	r.training("2024-08-01", 50, nil)
	r.training("2024-08-02", 50, nil)
	r.plot(village208, 100, "2023-05-01", "T7", "")
	r.household(2023, 1_000_000, 2024, 2_000_000)
}

// rosterE: visit_days 5 → 15; visits 5 → 5; trainings 2 → 10; trainees
// 200 → capped 10; village 206, assigned June–August only, visited → 10;
// 20 mu → 10; technologies T1 T2 T3 V9 → 10; income 0; demands 4 →
// capped 5. Total 75, tied with d.
func rosterE(r *recs) {
	r.assign(village206, "2024-06-01", "2024-08-31")
	r.days(village206, "2024-07-01", 4)
	r.visit(village206, "2024-07-05 09:00", []string{"T1", "T2"}, nil, nil)
	r.training("2024-07-10", 100, []string{"T3"})
	r.training("2024-07-11", 100, nil)
	r.plot(village206, 20, "2024-05-01", "", "V9")
	for _, d := range []string{"02", "03", "04", "05"} {
		r.demand("2024-" + d + "-10 10:00")
	}
}
