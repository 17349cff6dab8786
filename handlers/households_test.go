package handlers_test

import (
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

func householdBody(village, head string) map[string]any {
	return map[string]any{"id": newID(), "village_code": village, "head_name": head, "members": 4,
		"baseline_year": 2023, "baseline_income_fen": 3500000}
}

func testHouseholdsAndIncomes(t *testing.T, env *testenv.Env) {
	w := newWorld(t, env)
	tok := w.owner.Token
	hid := post(t, env, "/households", tok, householdBody(villageA, "王建国"))["id"].(string)
	base := "/households/" + hid + "/incomes"
	in := post(t, env, base, tok, map[string]any{"id": newID(), "year": 2024, "income_fen": 4200000})
	if in["household_id"] != hid || in["income_fen"].(float64) != 4200000 {
		t.Fatalf("income: %v", in)
	}
	r := env.Do("PATCH", "/api/v1"+base+"/"+in["id"].(string), tok, map[string]any{"income_fen": 4300000}, "If-Match", `"1"`)
	mustStatus(t, r, http.StatusOK, "patch income")
	expectInvalid(t, env, base, tok, "incomes", map[string]any{"year": 2025, "income_fen": 1}, []invalidCase{
		{"year recorded", map[string]any{"year": 2024}, []string{"year"}},
		{"before the baseline", map[string]any{"year": 2022}, []string{"year"}},
		{"next year", map[string]any{"year": 2999}, []string{"year"}},
		{"negative", map[string]any{"income_fen": -1}, []string{"income_fen"}},
		{"too much", map[string]any{"income_fen": 10000000001}, []string{"income_fen"}},
		{"no year", map[string]any{"year": nil}, []string{"year"}},
	})
	expectInvalid(t, env, "/households", tok, "households", householdBody(villageA, "李"), []invalidCase{
		{"no head", map[string]any{"head_name": ""}, []string{"head_name"}},
		{"no members", map[string]any{"members": 0}, []string{"members"}},
		{"51 members", map[string]any{"members": 51}, []string{"members"}},
		{"baseline 1999", map[string]any{"baseline_year": 1999}, []string{"baseline_year"}},
		{"negative income", map[string]any{"baseline_income_fen": -1}, []string{"baseline_income_fen"}},
		{"township", map[string]any{"village_code": townA}, []string{"village_code"}},
	})
	r = env.Do("GET", "/api/v1/households?region="+townA, w.township.Token, nil)
	mustStatus(t, r, http.StatusOK, "township list")
	if !containsStr(ids(t, r), hid) {
		t.Fatalf("township A's households lack %s: %s", hid, r.Body)
	}
	mustStatus(t, env.Do("DELETE", "/api/v1/households/"+hid, tok, nil), http.StatusNoContent, "delete household")
	mustStatus(t, env.Do("GET", "/api/v1"+base, tok, nil), http.StatusNotFound, "incomes of a deleted household")
}
