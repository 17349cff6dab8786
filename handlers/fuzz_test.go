package handlers_test

import (
	"net/http"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// fuzzEnv is one backend a fuzz target posts to, with a commissioner of
// Kaihua County.
type fuzzEnv struct {
	env   *testenv.Env
	token string
}

func fuzzEnvs(f *testing.F) []fuzzEnv {
	backends := []string{"sqlite"}
	if testenv.MySQLAvailable() {
		backends = append(backends, "mysql")
	}
	var out []fuzzEnv
	for _, b := range backends {
		env := testenv.New(f, b)
		out = append(out, fuzzEnv{env: env, token: env.NewUser("commissioner", county).Token})
	}
	return out
}

// fuzzCreate posts arbitrary bodies to a create endpoint: never a 5xx, and
// nothing stored (no row, no audit entry) unless the answer is 201.
func fuzzCreate(f *testing.F, path, table string) {
	envs := fuzzEnvs(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, fe := range envs {
			env := *fe.env
			env.T = t
			rows, audits := count(t, &env, table), count(t, &env, "audit_entries")
			r := env.Do(http.MethodPost, recordsAPI+path, fe.token, body)
			if r.Status >= 500 {
				t.Fatalf("%s: %d for %q: %s", env.Backend, r.Status, body, r.Body)
			}
			stored := int64(0)
			if r.Status == http.StatusCreated {
				stored = 1
			}
			if n := count(t, &env, table); n != rows+stored {
				t.Fatalf("%s: status %d and %d rows stored for %q", env.Backend, r.Status, n-rows, body)
			}
			if n := count(t, &env, "audit_entries"); n != audits+stored {
				t.Fatalf("%s: status %d and %d audit entries for %q", env.Backend, r.Status, n-audits, body)
			}
		}
	})
}

// FuzzVisitCreate posts arbitrary visit bodies; the seed corpus is in
// testdata/fuzz/FuzzVisitCreate.
func FuzzVisitCreate(f *testing.F) { fuzzCreate(f, "/visits", "visits") }

// FuzzTrainingCreate posts arbitrary training bodies; the seed corpus is in
// testdata/fuzz/FuzzTrainingCreate.
func FuzzTrainingCreate(f *testing.F) { fuzzCreate(f, "/trainings", "trainings") }
