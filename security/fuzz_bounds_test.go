package security_test

import (
	"testing"
	"time"

	"github.com/tepai/tepai/internal/bounds"
)

// recordsBounded checks that every stored visit's point and times, and
// every push's device time, lie inside the contract's bounds, whatever
// the body said.
func recordsBounded(t *testing.T, w *world) {
	now := time.Now()
	var visits []struct {
		ID                 string
		Lat, Lng           *float64
		StartedAt, EndedAt time.Time
	}
	if err := w.env.DB().Table("visits").Select("id, lat, lng, started_at, ended_at").Scan(&visits).Error; err != nil {
		t.Fatal(err)
	}
	for _, v := range visits {
		if (v.Lat == nil) != (v.Lng == nil) || (v.Lat != nil && !bounds.Point(*v.Lat, *v.Lng)) {
			t.Fatalf("visit %s stored at %v,%v", v.ID, v.Lat, v.Lng)
		}
		if !bounds.Time(v.StartedAt, now) || !bounds.Time(v.EndedAt, now) {
			t.Fatalf("visit %s stored from %v to %v", v.ID, v.StartedAt, v.EndedAt)
		}
	}
	var pushes []struct {
		ID         int64
		DeviceTime *time.Time
	}
	if err := w.env.DB().Table("sync_pushes").Select("id, device_time").Scan(&pushes).Error; err != nil {
		t.Fatal(err)
	}
	for _, p := range pushes {
		if p.DeviceTime != nil && !bounds.Time(*p.DeviceTime, now) {
			t.Fatalf("push %d stored device time %v", p.ID, *p.DeviceTime)
		}
	}
}
