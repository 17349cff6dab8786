package security_test

import (
	"testing"
	"time"

	"github.com/tepai/tepai/internal/bounds"
	"github.com/tepai/tepai/internal/textcheck"
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

// namesClean checks that every stored name of a person, team or household
// head is in normal form C and holds no control or format character.
func namesClean(t *testing.T, w *world) {
	for _, col := range [][2]string{{"users", "name"}, {"commissioners", "name"}, {"commissioners", "organization"},
		{"teams", "name"}, {"households", "head_name"}, {"plots", "name"}} {
		var names []string
		if err := w.env.DB().Table(col[0]).Pluck(col[1], &names).Error; err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if clean, problem := textcheck.Line(n); problem != textcheck.ProblemNone || clean != n {
				t.Fatalf("%s.%s stored as %q", col[0], col[1], n)
			}
		}
	}
}
