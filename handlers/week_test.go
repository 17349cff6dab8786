package handlers_test

import (
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// TestKaihuaWeek is the whole story as a new user would try it: a Kaihua
// commissioner logs a week of work, the township office of one township
// sees exactly the records in its township, and the county bureau reads the
// audit trail of an edited visit.
func TestKaihuaWeek(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		c := env.NewUser("commissioner", county)
		for _, v := range []string{villageA, villageA2, villageB} {
			env.Assign(c.Commissioner, v, "2024-01-01")
		}
		townshipA, townshipB := env.NewUser("township", townA), env.NewUser("township", townB)
		bureau := env.NewUser("bureau", county)
		tok := c.Token

		inA, inB := map[string][]string{}, map[string][]string{}
		keep := func(village, kind, id string) {
			if village[:9] == townA {
				inA[kind] = append(inA[kind], id)
			} else {
				inB[kind] = append(inB[kind], id)
			}
		}
		days := []string{villageA, villageA2, villageB, villageA, villageB, villageA2, villageA}
		for i, v := range days {
			keep(v, "visits", post(t, env, "/visits", tok, visitBody(v, 7-i))["id"].(string))
		}
		keep(villageA, "trainings", post(t, env, "/trainings", tok, trainingBody(townA))["id"].(string))
		plot := post(t, env, "/plots", tok, plotBody(villageA2))["id"].(string)
		keep(villageA2, "plots", plot)
		harvest := post(t, env, "/plots/"+plot+"/harvests", tok, harvestBody())["id"].(string)
		for i, v := range []string{villageA, villageA2, villageB} {
			h := post(t, env, "/households", tok, householdBody(v, []string{"王", "李", "张"}[i]+"大伯"))["id"].(string)
			keep(v, "households", h)
			post(t, env, "/households/"+h+"/incomes", tok, map[string]any{"id": newID(), "year": 2024, "income_fen": 4000000 + i})
		}

		for kind, want := range inA {
			r := env.Do("GET", "/api/v1/"+kind, townshipA.Token, nil)
			mustStatus(t, r, http.StatusOK, "township A lists "+kind)
			sameSet(t, "township A's "+kind, ids(t, r), want)
		}
		for kind, want := range inB {
			sameSet(t, "township B's "+kind, ids(t, env.Do("GET", "/api/v1/"+kind, townshipB.Token, nil)), want)
			for _, id := range want {
				mustStatus(t, env.Do("GET", "/api/v1/"+kind+"/"+id, townshipA.Token, nil), http.StatusNotFound, "township A reads B's "+kind)
			}
		}
		sameSet(t, "township B's trainings", ids(t, env.Do("GET", "/api/v1/trainings", townshipB.Token, nil)), nil)
		sameSet(t, "the plot's harvests", ids(t, env.Do("GET", "/api/v1/plots/"+plot+"/harvests", townshipA.Token, nil)), []string{harvest})
		mustStatus(t, env.Do("GET", "/api/v1/households/"+inB["households"][0]+"/incomes", townshipA.Token, nil), http.StatusNotFound, "B's incomes")

		edited := inA["visits"][0]
		r := env.Do("PATCH", "/api/v1/visits/"+edited, tok, map[string]any{"advice": "黄板诱杀并及时修剪"}, "If-Match", `"1"`)
		mustStatus(t, r, http.StatusOK, "edit a visit")
		items := auditTrail(t, env, bureau.Token, "visit", edited)
		if len(items) != 2 || items[1].Action != "update" || items[1].ActorID != c.User.ID ||
			items[1].Before["advice"] != "黄板诱杀" || items[1].After["advice"] != "黄板诱杀并及时修剪" {
			t.Fatalf("audit trail of the edited visit: %+v", items)
		}
	})
}
