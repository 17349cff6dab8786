package handlers_test

import (
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// TestRecords runs the scenarios that do not depend on what else is stored
// on one server per backend, each as a subtest with its own users and
// records; tests that count whole lists start their own server.
func TestRecords(t *testing.T) {
	scenarios := []struct {
		name string
		fn   func(*testing.T, *testenv.Env)
	}{
		{"every type's lifecycle", testEveryTypeLifecycle},
		{"visit lifecycle", testVisitLifecycle},
		{"visit validation", testVisitValidation},
		{"visit scope through assignments", testVisitScopeThroughAssignments},
		{"training", testTrainingLifecycleAndValidation},
		{"plot with observations and harvests", testPlotWithObservationsAndHarvests},
		{"plot children validation and scope", testPlotChildrenValidationAndScope},
		{"households and incomes", testHouseholdsAndIncomes},
		{"projects", testProjects},
		{"scope matrix", testScopeMatrix},
		{"demand scope matrix", testDemandScopeMatrix},
		{"audit trail", testAuditTrail},
		{"child audit carries the village", testChildAuditCarriesTheVillage},
		{"apply for sync", testApplyForSync},
		{"apply child and claim", testApplyChildAndClaim},
		{"pages see every record once", testVisitPagesSeeEveryRecordOnce},
		{"concurrent creates and patches", testConcurrentCreatesAndPatchesOfOneRecord},
	}
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		for _, s := range scenarios {
			t.Run(s.name, func(t *testing.T) {
				e := *env
				e.T = t
				s.fn(t, &e)
			})
		}
	})
}
