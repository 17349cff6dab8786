package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// Every Env allows 10 login attempts per phone and 100 per IP in 15
// minutes.
const loginLimit = 10

func tryLogin(a *peopleAPI, phone, password string) *testenv.Resp {
	a.t.Helper()
	return a.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": phone, "password": password})
}

// hits reads a rate-limit counter straight from the database (-1 when
// there is none).
func hits(env *testenv.Env, bucket string) int {
	var rows []int
	env.DB().Table("rate_limits").Where("bucket = ?", bucket).Pluck("hits", &rows)
	if len(rows) == 0 {
		return -1
	}
	return rows[0]
}

func checkRateLimited(t *testing.T, r *testenv.Resp) {
	t.Helper()
	if r.Status != http.StatusTooManyRequests || r.ErrorCode() != "rate_limited" {
		t.Fatalf("want 429 rate_limited, got %d %s", r.Status, r.Body)
	}
	secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || secs < 1 || secs > 15*60 {
		t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
	}
}

func TestLoginBruteForce(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		a := newPeopleAPI(t, env)
		u := env.NewUser("bureau", kaihua)
		for i := range loginLimit {
			if r := tryLogin(a, u.User.Phone, "guess-"+strconv.Itoa(i)); r.Status != http.StatusUnauthorized {
				t.Fatalf("attempt %d: %d %s", i+1, r.Status, r.Body)
			}
		}
		// The 11th attempt is refused even with the right password.
		checkRateLimited(t, tryLogin(a, u.User.Phone, u.Password))
		if h := hits(env, "login:phone:"+u.User.Phone); h != loginLimit+1 {
			t.Fatalf("phone hits %d", h)
		}
	})
}

func TestLoginLimitPerIP(t *testing.T) {
	const ipLimit = 12
	testenv.Backends(t, func(t *testing.T, _ *testenv.Env) {
		cfg := testenv.Config(t, env0(t))
		cfg.LoginIPLimit = ipLimit
		env := testenv.NewWithConfig(t, env0(t), cfg)
		a := newPeopleAPI(t, env)
		u := env.NewUser("bureau", kaihua)
		for range ipLimit {
			other := env.NewUser("township", huabu)
			if r := tryLogin(a, other.User.Phone, "wrong-password"); r.Status != http.StatusUnauthorized {
				t.Fatalf("wrong password: %d %s", r.Status, r.Body)
			}
		}
		// Twelve phones failed from this IP: a fresh phone is refused too.
		checkRateLimited(t, tryLogin(a, u.User.Phone, u.Password))
	})
}

func TestLoginLimitPerPhone(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		a := newPeopleAPI(t, env)
		victim, other := env.NewUser("bureau", kaihua), env.NewUser("township", huabu)
		// Ten failures on the victim's phone from elsewhere.
		err := env.DB().Exec("INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, ?)",
			"login:phone:"+victim.User.Phone, models.Now(), loginLimit).Error
		if err != nil {
			t.Fatal(err)
		}
		checkRateLimited(t, tryLogin(a, victim.User.Phone, victim.Password))
		login(a, other.User.Phone, other.Password)
	})
}

func TestLoginSuccessForgetsPhoneNotIP(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		a := newPeopleAPI(t, env)
		u := env.NewUser("bureau", kaihua)
		for range 3 {
			tryLogin(a, u.User.Phone, "wrong-password")
		}
		login(a, u.User.Phone, u.Password)
		if h := hits(env, "login:phone:"+u.User.Phone); h != -1 {
			t.Fatalf("phone counter after success: %d", h)
		}
		// The IP keeps its three failures; the success itself is not counted.
		if h := hits(env, "login:ip:127.0.0.1"); h != 3 {
			t.Fatalf("ip hits %d, want 3", h)
		}
	})
}

func TestLoginLimitSharedByReplicas(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		other := testenv.NewWithConfig(t, env.Backend, env.Config) // a second replica on the same database
		replicas := []*peopleAPI{newPeopleAPI(t, env), newPeopleAPI(t, other)}
		u := env.NewUser("bureau", kaihua)
		for i := range loginLimit {
			if r := tryLogin(replicas[i%2], u.User.Phone, "wrong-password"); r.Status != http.StatusUnauthorized {
				t.Fatalf("attempt %d: %d", i+1, r.Status)
			}
		}
		checkRateLimited(t, tryLogin(replicas[0], u.User.Phone, u.Password))
		checkRateLimited(t, tryLogin(replicas[1], u.User.Phone, u.Password))
	})
}

func TestPurgeLoginCounters(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		now := models.Now()
		for bucket, start := range map[string]time.Time{"login:ip:10.0.0.1": now.Add(-31 * time.Minute), "login:ip:10.0.0.2": now.Add(-time.Minute)} {
			if err := env.DB().Exec("INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 3)", bucket, start).Error; err != nil {
				t.Fatal(err)
			}
		}
		// Windows of 15 minutes: a counter is purged two windows after it started.
		n, err := env.DB().PurgeHits(context.Background(), 15*time.Minute)
		if err != nil || n != 1 || hits(env, "login:ip:10.0.0.1") != -1 || hits(env, "login:ip:10.0.0.2") != 3 {
			t.Fatalf("purged %d (%v); counters %d, %d", n, err, hits(env, "login:ip:10.0.0.1"), hits(env, "login:ip:10.0.0.2"))
		}
	})
}

// env0 names the backend of the running subtest ("sqlite" or "mysql").
func env0(t *testing.T) string {
	if strings.HasSuffix(t.Name(), "/mysql") {
		return "mysql"
	}
	return "sqlite"
}
