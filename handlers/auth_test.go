package handlers_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tepai/tepai/auth"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

func login(a *peopleAPI, phone, password string) map[string]any {
	a.t.Helper()
	return a.expect(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]string{"phone": phone, "password": password})
}

func TestLogin(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		a := newPeopleAPI(t, env)
		c := env.NewUser("commissioner", kaihua)
		path := "/api/v1/auth/login"
		a.run([]peopleCase{
			{name: "unknown phone", method: "POST", path: path, body: map[string]string{"phone": "13000000009", "password": c.Password},
				status: 401, want: []string{`"unauthorized"`, "手机号或密码错误"}},
			{name: "wrong password", method: "POST", path: path, body: map[string]string{"phone": c.User.Phone, "password": "wrong-password"},
				status: 401, want: []string{`"unauthorized"`, "手机号或密码错误"}},
			{name: "missing password", method: "POST", path: path, body: map[string]string{"phone": c.User.Phone},
				status: 422, want: []string{`"field":"password"`}},
			{name: "malformed", method: "POST", path: path, body: `{"phone":`, status: 400, want: []string{`"bad_request"`}},
			{name: "ok", method: "POST", path: path, body: map[string]string{"phone": c.User.Phone, "password": c.Password},
				status: 200, want: []string{`"token_type":"Bearer"`, `"expires_in":900`, `"role":"commissioner"`, `"region_code":"330824"`, `"id":"` + c.User.ID},
				notWant: []string{"password_hash"}},
		})
		tok := login(a, c.User.Phone, c.Password)
		me := a.expect(http.StatusOK, "GET", "/api/v1/me", tok["access_token"].(string), nil)
		if me["id"] != c.User.ID || me["commissioner"].(map[string]any)["id"] != c.Commissioner.ID {
			t.Fatalf("me: %v", me)
		}
		var n int64
		env.DB().Table("sessions").Where("user_id = ?", c.User.ID).Count(&n)
		if n != 1+2 { // the test user's own session and two logins
			t.Fatalf("sessions: %d", n)
		}
		var stored int64
		env.DB().Table("refresh_tokens").Where("hash = ?", tok["refresh_token"]).Count(&stored)
		if stored != 0 {
			t.Fatal("refresh token stored in clear")
		}
	})
}

func TestForgedAccessTokens(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		a := newPeopleAPI(t, env)
		c := env.NewUser("commissioner", kaihua)
		admin := env.NewUser("admin", "")
		claims := func(exp time.Time) jwt.MapClaims {
			return jwt.MapClaims{"iss": "tepai", "sub": admin.User.ID, "sid": sessionOf(t, admin.Token), "role": "admin",
				"iat": time.Now().Unix(), "exp": exp.Unix()}
		}
		sign := func(m jwt.SigningMethod, key any, cl jwt.MapClaims) string {
			s, err := jwt.NewWithClaims(m, cl).SignedString(key)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		secret := []byte(env.Config.JWTSecret)
		cases := map[string]string{
			"alg none":    sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(time.Now().Add(time.Hour))),
			"wrong key":   sign(jwt.SigningMethodHS256, []byte("another-secret-another-secret-0123456"), claims(time.Now().Add(time.Hour))),
			"HS512":       sign(jwt.SigningMethodHS512, secret, claims(time.Now().Add(time.Hour))),
			"expired":     sign(jwt.SigningMethodHS256, secret, claims(time.Now().Add(-time.Minute))),
			"tampered":    tamper(t, c.Token, admin.User.ID, sessionOf(t, admin.Token)),
			"not a token": "abc.def.ghi",
		}
		for name, tok := range cases {
			r := a.call("GET", "/api/v1/me", tok, nil)
			if r.Status != http.StatusUnauthorized || r.ErrorCode() != "unauthorized" {
				t.Errorf("%s: %d %s", name, r.Status, r.Body)
			}
		}
		a.expect(http.StatusUnauthorized, "GET", "/api/v1/me", "", nil)
		// The right key and claims do work, so the refusals above are the forgeries'.
		a.expect(http.StatusOK, "GET", "/api/v1/me", sign(jwt.SigningMethodHS256, secret, claims(time.Now().Add(time.Hour))), nil)
	})
}

// sessionOf reads the session id out of an access token.
func sessionOf(t *testing.T, token string) string {
	t.Helper()
	var cl auth.Claims
	if _, _, err := jwt.NewParser().ParseUnverified(token, &cl); err != nil {
		t.Fatal(err)
	}
	return cl.SessionID
}

// tamper rewrites a token's subject, session and role to an admin's while
// keeping its signature.
func tamper(t *testing.T, token, sub, sid string) string {
	parts := strings.Split(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	m["sub"], m["sid"], m["role"] = sub, sid, "admin"
	raw, _ = json.Marshal(m)
	parts[1] = base64.RawURLEncoding.EncodeToString(raw)
	return strings.Join(parts, ".")
}

func TestRefreshRotationAndReuse(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		a := newPeopleAPI(t, env)
		c := env.NewUser("township", huabu)
		first := login(a, c.User.Phone, c.Password)
		refresh := func(tok any) *testenv.Resp {
			return a.call("POST", "/api/v1/auth/refresh", "", map[string]any{"refresh_token": tok})
		}
		r := refresh(first["refresh_token"])
		if r.Status != http.StatusOK {
			t.Fatalf("refresh: %d %s", r.Status, r.Body)
		}
		second := r.JSON()
		if second["refresh_token"] == first["refresh_token"] || second["user"].(map[string]any)["role"] != "township" {
			t.Fatalf("rotation: %v", second)
		}
		a.expect(http.StatusOK, "GET", "/api/v1/me", second["access_token"].(string), nil)
		// The first token, presented again after the grace period (its use
		// moved 61 s back), revokes the whole login.
		backdateUse(env, first["refresh_token"].(string), 61*time.Second)
		if r := refresh(first["refresh_token"]); r.Status != http.StatusUnauthorized {
			t.Fatalf("reuse after the grace: %d %s", r.Status, r.Body)
		}
		a.expect(http.StatusUnauthorized, "GET", "/api/v1/me", second["access_token"].(string), nil)
		a.expect(http.StatusUnauthorized, "GET", "/api/v1/me", first["access_token"].(string), nil)
		if r := refresh(second["refresh_token"]); r.Status != http.StatusUnauthorized {
			t.Fatalf("token of a revoked login: %d %s", r.Status, r.Body)
		}
		// Another login of the same user is untouched.
		a.expect(http.StatusOK, "GET", "/api/v1/me", c.Token, nil)
		a.run([]peopleCase{
			{name: "unknown", method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": "nope"}, status: 401},
			{name: "missing", method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{}, status: 422, want: []string{`"field":"refresh_token"`}},
		})
	})
}

// backdateUse moves the moment a refresh token was used back by d, as if
// that much time had passed since its rotation.
func backdateUse(env *testenv.Env, token string, d time.Duration) {
	env.T.Helper()
	err := env.DB().Exec("UPDATE refresh_tokens SET used_at = ? WHERE hash = ?", models.Now().Add(-d), models.HashRefreshToken(token)).Error
	if err != nil {
		env.T.Fatal(err)
	}
}

func TestRefreshExpired(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		a := newPeopleAPI(t, env)
		c := env.NewUser("bureau", kaihua)
		tok := login(a, c.User.Phone, c.Password)
		env.DB().Exec("UPDATE refresh_tokens SET expires_at = ? WHERE hash = ?", time.Now().UTC().Add(-time.Minute), models.HashRefreshToken(tok["refresh_token"].(string)))
		a.expect(http.StatusUnauthorized, "POST", "/api/v1/auth/refresh", "", map[string]any{"refresh_token": tok["refresh_token"]})
		// An expired token is not a reuse: the login's access token still works.
		a.expect(http.StatusOK, "GET", "/api/v1/me", tok["access_token"].(string), nil)
	})
}

// TestRefreshRace sends one refresh token several times at once (two
// threads of one app): every request answers the same new pair, which
// then works (and rotates) like any other.
func TestRefreshRace(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		a := newPeopleAPI(t, env)
		c := env.NewUser("bureau", kaihua)
		tok := login(a, c.User.Phone, c.Password)
		body := `{"refresh_token":"` + tok["refresh_token"].(string) + `"}`
		const n = 4
		statuses := make([]int, n)
		pairs := make([]map[string]any, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := env.Server.Client().Post(env.Server.URL+"/api/v1/auth/refresh", "application/json", strings.NewReader(body))
				if err != nil {
					return
				}
				defer res.Body.Close()
				statuses[i] = res.StatusCode
				_ = json.NewDecoder(res.Body).Decode(&pairs[i])
			}()
		}
		wg.Wait()
		for i := range n {
			if statuses[i] != http.StatusOK {
				t.Fatalf("statuses %v, want all 200", statuses)
			}
			if pairs[i]["refresh_token"] != pairs[0]["refresh_token"] || pairs[i]["access_token"] != pairs[0]["access_token"] {
				t.Fatalf("racing refreshes answered different pairs: %v and %v", pairs[0], pairs[i])
			}
		}
		if pairs[0]["refresh_token"] == tok["refresh_token"] {
			t.Fatal("the refresh token was not rotated")
		}
		// One rotation happened: the login has two refresh tokens, the
		// first used, the second not.
		var used, unused int64
		env.DB().Table("refresh_tokens rt").Joins("JOIN sessions s ON s.id = rt.session_id").
			Where("s.user_id = ? AND rt.used_at IS NOT NULL", c.User.ID).Count(&used)
		env.DB().Table("refresh_tokens rt").Joins("JOIN sessions s ON s.id = rt.session_id").
			Where("s.user_id = ? AND rt.used_at IS NULL", c.User.ID).Count(&unused)
		if used != 1 || unused != 1 {
			t.Fatalf("refresh tokens: %d used, %d unused; want 1 and 1", used, unused)
		}
		a.expect(http.StatusOK, "GET", "/api/v1/me", pairs[0]["access_token"].(string), nil)
		third := a.expect(http.StatusOK, "POST", "/api/v1/auth/refresh", "", map[string]any{"refresh_token": pairs[0]["refresh_token"]})
		if third["refresh_token"] == pairs[0]["refresh_token"] {
			t.Fatal("the shared pair did not rotate")
		}
	})
}

// TestRefreshRetryAfterLostResponse: the phone's first refresh reached the
// server but its answer was lost; the retry with the same token, within
// the grace, gets the same pair, and the login goes on. The stored seal of
// that pair holds neither token in the clear.
func TestRefreshRetryAfterLostResponse(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		a := newPeopleAPI(t, env)
		c := env.NewUser("commissioner", kaihua)
		tok := login(a, c.User.Phone, c.Password)
		old := map[string]any{"refresh_token": tok["refresh_token"]}
		lost := a.expect(http.StatusOK, "POST", "/api/v1/auth/refresh", "", old)
		// 59 s later (inside the 60 s grace) the phone retries.
		backdateUse(env, tok["refresh_token"].(string), 59*time.Second)
		retry := a.expect(http.StatusOK, "POST", "/api/v1/auth/refresh", "", old)
		if retry["refresh_token"] != lost["refresh_token"] || retry["access_token"] != lost["access_token"] {
			t.Fatalf("retry answered another pair: %v, first %v", retry, lost)
		}
		var seal string
		env.DB().Table("refresh_tokens").Select("grace_seal").Where("hash = ?", models.HashRefreshToken(tok["refresh_token"].(string))).Scan(&seal)
		for _, secret := range []string{lost["refresh_token"].(string), lost["access_token"].(string)} {
			if seal == "" || strings.Contains(seal, secret) || strings.Contains(seal, base64.RawStdEncoding.EncodeToString([]byte(secret))) {
				t.Fatalf("grace seal %q is empty or holds a token in the clear", seal)
			}
		}
		a.expect(http.StatusOK, "GET", "/api/v1/me", retry["access_token"].(string), nil)
		next := a.expect(http.StatusOK, "POST", "/api/v1/auth/refresh", "", map[string]any{"refresh_token": retry["refresh_token"]})
		a.expect(http.StatusOK, "GET", "/api/v1/me", next["access_token"].(string), nil)
		// A retry of the first token while the login is revoked (logout)
		// is refused even inside the grace.
		a.expect(http.StatusNoContent, "POST", "/api/v1/auth/logout", next["access_token"].(string), nil)
		a.expect(http.StatusUnauthorized, "POST", "/api/v1/auth/refresh", "", map[string]any{"refresh_token": retry["refresh_token"]})
	})
}

func TestLogout(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		a := newPeopleAPI(t, env)
		c := env.NewUser("bureau", kaihua)
		tok := login(a, c.User.Phone, c.Password)
		access := tok["access_token"].(string)
		a.run([]peopleCase{
			{name: "unauthenticated", method: "POST", path: "/api/v1/auth/logout", body: map[string]any{"refresh_token": tok["refresh_token"]}, status: 401},
			{name: "ok", method: "POST", path: "/api/v1/auth/logout", token: access, body: map[string]any{"refresh_token": tok["refresh_token"]}, status: 204},
		})
		a.expect(http.StatusUnauthorized, "GET", "/api/v1/me", access, nil)
		a.expect(http.StatusUnauthorized, "POST", "/api/v1/auth/refresh", "", map[string]any{"refresh_token": tok["refresh_token"]})
		a.expect(http.StatusOK, "GET", "/api/v1/me", c.Token, nil)
	})
}
