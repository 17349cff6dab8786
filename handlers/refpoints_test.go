package handlers_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// storeVisitAt stores a visit of c in village at (lat, lng).
func storeVisitAt(t *testing.T, env *testenv.Env, c *models.Commissioner, village string, lat, lng float64) *models.Visit {
	t.Helper()
	v := draftVisit(c, village, time.Date(2024, 5, 21, 1, 30, 0, 0, time.UTC))
	v.Lat, v.Lng = &lat, &lng
	if err := env.DB().Tx(context.Background(), func(tx *gorm.DB) error { return insertVisitTx(tx, v) }); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestReferencePointEndpoints(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		bureau := env.NewUser("bureau", "330824")
		township := env.NewUser("township", tongcunTown)
		c := env.NewUser("commissioner", "330824")
		other := env.NewUser("bureau", "330825")
		path := "/api/v1/regions/" + huashan + "/reference-point"
		ok := map[string]any{"lat": 29.15, "lng": 118.25}
		cases := []struct {
			name, path, token string
			body              any
			status            int
			code              string
		}{
			{"no token", path, "", ok, http.StatusUnauthorized, "unauthorized"},
			{"township", path, township.Token, ok, http.StatusForbidden, "forbidden"},
			{"commissioner", path, c.Token, ok, http.StatusForbidden, "forbidden"},
			{"another county", path, other.Token, ok, http.StatusForbidden, "forbidden"},
			{"unknown village", "/api/v1/regions/330824999999/reference-point", bureau.Token, ok, http.StatusNotFound, "not_found"},
			{"a township", "/api/v1/regions/" + tongcunTown + "/reference-point", bureau.Token, ok, http.StatusUnprocessableEntity, "validation_failed"},
			{"outside China", path, bureau.Token, map[string]any{"lat": 60.0, "lng": 118.25}, http.StatusUnprocessableEntity, "validation_failed"},
			{"no lng", path, bureau.Token, map[string]any{"lat": 29.15}, http.StatusUnprocessableEntity, "validation_failed"},
			{"bad JSON", path, bureau.Token, "{", http.StatusBadRequest, "bad_request"},
			{"ok", path, bureau.Token, ok, http.StatusOK, ""},
			{"admin", path, env.Admin(), ok, http.StatusOK, ""},
		}
		for _, tc := range cases {
			r := env.Do("PUT", tc.path, tc.token, tc.body)
			if r.Status != tc.status || r.ErrorCode() != tc.code {
				t.Errorf("%s: %d %s", tc.name, r.Status, r.Body)
			}
		}
		r := env.Do("GET", path, township.Token, nil)
		got := r.JSON()
		if r.Status != http.StatusOK || got["source"] != "bureau" || got["lat"] != 29.15 || got["lng"] != 118.25 {
			t.Fatalf("get: %d %s", r.Status, r.Body)
		}
		var audits int64
		env.DB().Table("audit_entries").Where("record_type = ? AND record_id = ?", "reference_point", huashan).Count(&audits)
		if audits != 2 {
			t.Fatalf("audit entries: %d, want 2", audits)
		}
	})
}

func TestReferencePointFromVisitsMedian(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		c := env.NewUser("commissioner", "330824")
		env.Assign(c.Commissioner, jianfeng, "2024-01-01")
		bureau := env.NewUser("bureau", "330824")
		path := "/api/v1/regions/" + jianfeng + "/reference-point"
		lats := []float64{29.10, 29.11, 29.12, 29.13, 29.50}
		lngs := []float64{118.20, 118.21, 118.22, 118.23, 118.90}
		for i := range 4 {
			storeVisitAt(t, env, c.Commissioner, jianfeng, lats[i], lngs[i])
		}
		if got := env.Do("GET", path, bureau.Token, nil).JSON(); got["source"] != "none" || got["lat"] != nil {
			t.Fatalf("four visits: %v", got)
		}
		storeVisitAt(t, env, c.Commissioner, jianfeng, lats[4], lngs[4])
		// Medians of the five: lat 29.12, lng 118.22.
		got := env.Do("GET", path, bureau.Token, nil).JSON()
		if got["source"] != "visits" || got["lat"] != 29.12 || got["lng"] != 118.22 || got["visits"] != float64(5) {
			t.Fatalf("five visits: %v", got)
		}
	})
}
