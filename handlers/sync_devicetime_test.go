package handlers_test

import (
	"slices"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// TestPushDeviceTimeOutOfBounds: a push whose device_time is before 2000 or
// more than a day ahead keeps its records, stores no device time nor skew
// (year 1 used to be stored as a zero date with a saturated skew), and
// flags its visits as from a skewed clock.
func TestPushDeviceTimeOutOfBounds(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", "330824")
		for _, dt := range []string{"0001-01-01T00:00:00Z", "1999-12-31T15:59:59Z", "9999-12-31T23:59:59Z", "2999-01-01T00:00:00+08:00"} {
			body := pushBody(upsert("visit", located(huashan, 0, 0), 0))
			body["device_time"] = dt
			res := doPush(t, env, me.Token, body)
			if len(res) != 1 || res[0].Status != "created" {
				t.Fatalf("device_time %s: %+v", dt, res)
			}
			if got := flagsOf(t, env, me.Token, res[0].ID); !slices.Equal(got, []string{"device_clock_skew"}) {
				t.Errorf("device_time %s: flags %v", dt, got)
			}
			var receipt models.SyncPush
			if err := env.DB().Order("id DESC").Take(&receipt).Error; err != nil {
				t.Fatal(err)
			}
			if receipt.DeviceTime != nil || receipt.ClockSkewMs != nil || receipt.Changes != 1 {
				t.Errorf("device_time %s: receipt %+v", dt, receipt)
			}
		}
	})
}
