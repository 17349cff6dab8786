package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// TestAssignmentsDoNotOverlap: a commissioner or team holds a village once
// at any time. An assignment overlapping a live one of the same assignee
// and village is 422 on start_date and stores nothing; periods that do not
// overlap, other assignees and a village given up again are accepted; eight
// identical requests at once store one.
func TestAssignmentsDoNotOverlap(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		a := newPeopleAPI(t, env)
		bureau := env.NewUser("bureau", kaihua).Token
		c1, c2 := env.NewUser("commissioner", kaihua), env.NewUser("commissioner", kaihua)
		const p = "/api/v1/assignments"
		period := func(kind, id, start, end string) map[string]any {
			b := map[string]any{kind: id, "village_code": huabuVillage, "start_date": start}
			if end != "" {
				b["end_date"] = end
			}
			return b
		}
		c1id := c1.Commissioner.ID
		open := a.expect(http.StatusCreated, "POST", p, bureau, period("commissioner_id", c1id, "2025-01-01", ""))["id"].(string)
		for _, tc := range []struct {
			name       string
			body       map[string]any
			status     int
			overlapped string
		}{
			{"the same again", period("commissioner_id", c1id, "2025-01-01", ""), 422, open},
			{"later, inside the open period", period("commissioner_id", c1id, "2026-03-01", "2026-06-30"), 422, open},
			{"ending on the open period's first day", period("commissioner_id", c1id, "2024-01-01", "2025-01-01"), 422, open},
			{"ending the day before", period("commissioner_id", c1id, "2024-01-01", "2024-12-31"), 201, ""},
			{"another commissioner", period("commissioner_id", c2.Commissioner.ID, "2025-01-01", ""), 201, ""},
		} {
			res := env.Do("POST", p, bureau, tc.body)
			if res.Status != tc.status {
				t.Errorf("%s: %d %s", tc.name, res.Status, res.Body)
				continue
			}
			if tc.status == 422 && (len(detailFields(res)) != 1 || detailFields(res)[0] != "start_date" || !strings.Contains(string(res.Body), tc.overlapped)) {
				t.Errorf("%s: %s, want a 422 on start_date naming %s", tc.name, res.Body, tc.overlapped)
			}
		}
		// Given up, the village can be assigned to c1 again.
		a.expect(http.StatusNoContent, "DELETE", p+"/"+open, bureau, nil)
		a.expect(http.StatusCreated, "POST", p, bureau, period("commissioner_id", c1id, "2025-06-01", ""))

		// Eight identical requests at once for a third commissioner.
		c3 := env.NewUser("commissioner", kaihua).Commissioner.ID
		statuses := race(8, func(int) int {
			return env.Do("POST", p, bureau, period("commissioner_id", c3, "2025-01-01", "")).Status
		})
		created := createdAmong(t, statuses, http.StatusUnprocessableEntity)
		// Live: c1's 2024 and 2025-06 ones, c2's, c3's one.
		var live, c3rows, c3changes int64
		env.DB().Table("assignments").Where("deleted_at IS NULL").Count(&live)
		env.DB().Table("assignments").Where("commissioner_id = ?", c3).Count(&c3rows)
		env.DB().Table("changes").Where("record_type = ? AND commissioner_id = ?", "assignment", c3).Count(&c3changes)
		if created != 1 || c3rows != 1 || c3changes != 1 || live != 4 {
			t.Errorf("%d created at once (%v), %d rows and %d changes of c3, %d live; want 1, 1, 1, 4", created, statuses, c3rows, c3changes, live)
		}
	})
}

// createdAmong counts the 201s among the statuses of racing requests and
// fails on any status that is neither 201 nor other.
func createdAmong(t *testing.T, statuses []int, other int) int {
	t.Helper()
	created := 0
	for _, s := range statuses {
		switch s {
		case http.StatusCreated:
			created++
		case other:
		default:
			t.Errorf("racing request: %d", s)
		}
	}
	return created
}
