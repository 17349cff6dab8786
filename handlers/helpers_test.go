package handlers_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tepai/tepai/internal/testenv"
)

// Kaihua County (330824) places the tests use.
const (
	county     = "330824"
	townA      = "330824106" // 桐村镇
	villageA   = "330824106200"
	villageA2  = "330824106207"
	townB      = "330824116" // 马金镇
	villageB   = "330824116200"
	otherCnty  = "330825" // 龙游县, not imported
	cst        = "+08:00"
	recordsAPI = "/api/v1"
)

// world is the cast of a records test on one backend.
type world struct {
	env                   *testenv.Env
	admin                 string
	bureau, bureauOut     *testenv.Person
	township, townshipOut *testenv.Person
	owner, other          *testenv.Person
}

func newWorld(t *testing.T, env *testenv.Env) *world {
	t.Helper()
	return &world{
		env:         env,
		admin:       env.Admin(),
		bureau:      env.NewUser("bureau", county),
		bureauOut:   env.NewUser("bureau", otherCnty),
		township:    env.NewUser("township", townA),
		townshipOut: env.NewUser("township", townB),
		owner:       env.NewUser("commissioner", county),
		other:       env.NewUser("commissioner", county),
	}
}

// at returns an RFC 3339 time in Asia/Shanghai, days before now at hh:mm.
func at(daysAgo, hh, mm int) string {
	d := time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, -daysAgo)
	return fmt.Sprintf("%s%s", time.Date(d.Year(), d.Month(), d.Day(), hh, mm, 0, 0, d.Location()).Format("2006-01-02T15:04:05"), cst)
}

// dayOf is the date part of at's output.
func dayOf(ts string) string { return ts[:10] }

func newID() string { return uuid.NewString() }

// visitBody is a valid visit in village, daysAgo days back.
func visitBody(village string, daysAgo int) map[string]any {
	return map[string]any{
		"id": newID(), "village_code": village,
		"started_at": at(daysAgo, 9, 0), "ended_at": at(daysAgo, 11, 30),
		"lat": 29.13, "lng": 118.41, "accuracy_m": 12.5,
		"category": "病虫害防治", "crops": []string{"茶叶"}, "problem": "茶小绿叶蝉", "advice": "黄板诱杀",
		"farmers_served": 6, "leaflets": 20, "technologies": []string{"绿色防控"}, "varieties": []string{"龙井43"},
	}
}

// mustStatus fails the test unless r has status want.
func mustStatus(t *testing.T, r *testenv.Resp, want int, what string) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("%s: status %d, want %d: %s", what, r.Status, want, r.Body)
	}
}

// post creates a record and returns its JSON.
func post(t *testing.T, env *testenv.Env, path, token string, body any) map[string]any {
	t.Helper()
	r := env.Do(http.MethodPost, recordsAPI+path, token, body)
	mustStatus(t, r, http.StatusCreated, "POST "+path)
	return r.JSON()
}

// count returns the number of rows of table (deleted ones included).
func count(t *testing.T, env *testenv.Env, table string) int64 {
	t.Helper()
	var n int64
	if err := env.DB().Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// details returns the fields named in a 422's details.
func details(r *testenv.Resp) []string {
	var out []string
	e, _ := r.JSON()["error"].(map[string]any)
	ds, _ := e["details"].([]any)
	for _, d := range ds {
		if m, ok := d.(map[string]any); ok {
			out = append(out, fmt.Sprint(m["field"]))
		}
	}
	return out
}

// with returns a copy of body with the changes applied (nil deletes a key).
func with(body map[string]any, changes map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range body {
		out[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	out["id"] = newID()
	return out
}

// invalidCase is a body that must be refused with 422 naming field.
type invalidCase struct {
	name    string
	changes map[string]any
	fields  []string
}

// expectInvalid posts each case and checks the 422, its details, and that
// nothing was stored.
func expectInvalid(t *testing.T, env *testenv.Env, path, token, table string, valid map[string]any, cases []invalidCase) {
	t.Helper()
	before := count(t, env, table)
	audits := count(t, env, "audit_entries")
	for _, c := range cases {
		r := env.Do(http.MethodPost, recordsAPI+path, token, with(valid, c.changes))
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422: %s", c.name, r.Status, r.Body)
			continue
		}
		got := details(r)
		for _, f := range c.fields {
			if !containsStr(got, f) {
				t.Errorf("%s: details %v lack %q", c.name, got, f)
			}
		}
	}
	if n := count(t, env, table); n != before {
		t.Errorf("%s: %d rows stored by refused bodies", table, n-before)
	}
	if n := count(t, env, "audit_entries"); n != audits {
		t.Errorf("audit entries written by refused bodies: %d", n-audits)
	}
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// repeat returns n copies of s joined.
func repeat(s string, n int) string {
	out := ""
	for i := 0; i < n; i++ {
		out += s
	}
	return out
}

// names returns n distinct short names.
func names(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("项%d", i)
	}
	return out
}

// ids returns the ids of a list response's items.
func ids(t *testing.T, r *testenv.Resp) []string {
	t.Helper()
	var out []string
	items, _ := r.JSON()["items"].([]any)
	for _, it := range items {
		out = append(out, it.(map[string]any)["id"].(string))
	}
	return out
}
