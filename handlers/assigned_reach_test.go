package handlers_test

import (
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// TestAssignmentReachesItsTownshipOnly: a commissioner assigned one village
// outside its home region may record there and in its township (a
// township-level training, a township project), but not a project of the
// county, city or province around it: those are 422 on region_code and
// store nothing, as they were before the assignment.
func TestAssignmentReachesItsTownshipOnly(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		env.ImportRegions(longyou)
		bureau := env.Admin()
		far := env.NewUser("commissioner", longyou) // home in 龙游县, assigned one village of 开化县
		mustStatus(t, env.Do("POST", "/api/v1/assignments", bureau, map[string]any{"commissioner_id": far.Commissioner.ID,
			"village_code": huabuVillage, "start_date": "2020-01-01"}), http.StatusCreated, "assign")
		project := func(region string) *testenv.Resp {
			return env.Do("POST", "/api/v1/projects", far.Token, map[string]any{"id": newID(), "title": "白茶提质增效", "funds_fen": 100, "region_code": region})
		}
		for _, region := range []string{"33", "3308", kaihua} {
			res := project(region)
			if got := detailFields(res); res.Status != http.StatusUnprocessableEntity || len(got) != 1 || got[0] != "region_code" {
				t.Errorf("project in %s: %d %s", region, res.Status, res.Body)
			}
		}
		if n := count(t, env, "projects"); n != 0 {
			t.Errorf("%d projects stored above the township", n)
		}
		mustStatus(t, project(huabu), http.StatusCreated, "project of the assigned village's township")
		mustStatus(t, project(huabuVillage), http.StatusCreated, "project of the assigned village")
		mustStatus(t, project(longyou), http.StatusCreated, "project of the home county")
	})
}
