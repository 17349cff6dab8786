package security_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

// TestTokens runs the token checks on one world per backend; the brute
// force comes last, as it leaves this client's address rate-limited.
func TestTokens(t *testing.T) {
	t.Parallel()
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		w := newWorld(t, env)
		t.Run("forged", func(t *testing.T) { checkEveryForgery(t, w) })
		t.Run("transport", func(t *testing.T) { checkTokenTransport(t, w) })
		t.Run("handmade", func(t *testing.T) { checkHandmadeTokens(t, w) })
		t.Run("claims", func(t *testing.T) { checkClaimsDoNotOutrankTheDatabase(t, w) })
		t.Run("refresh reuse", func(t *testing.T) { checkRefreshReuseEndsTheLoginEverywhere(t, w) })
		t.Run("brute force", func(t *testing.T) { checkBruteForceEvasion(t, w) })
	})
}

// checkEveryForgery tries every forged token on GET /me.
func checkEveryForgery(t *testing.T, w *world) {
	for name, tok := range w.forgedTokens() {
		if r := w.env.Do("GET", "/api/v1/me", tok, nil); r.Status != http.StatusUnauthorized || r.ErrorCode() != "unauthorized" {
			t.Errorf("forged token (%s): %d %.200s", name, r.Status, r.Body)
		}
	}
}

// checkTokenTransport accepts the access token only as "Authorization:
// Bearer <token>": not in the query, a cookie, another scheme, nor a
// refresh token in its place, nor an access token as a refresh token.
func checkTokenTransport(t *testing.T, w *world) {
	env := w.env
	p := env.NewUser("bureau", inCounty)
	s := w.login(p)
	refused := []struct {
		name, path string
		headers    []string
	}{
		{"query", "/api/v1/me?access_token=" + s.access, nil},
		{"cookie", "/api/v1/me", []string{"Cookie", "access_token=" + s.access + "; token=" + s.access}},
		{"lower-case scheme", "/api/v1/me", []string{"Authorization", "bearer " + s.access}},
		{"no scheme", "/api/v1/me", []string{"Authorization", s.access}},
		{"basic", "/api/v1/me", []string{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte(p.User.Phone+":"+p.Password))}},
		{"two spaces", "/api/v1/me", []string{"Authorization", "Bearer  " + s.access}},
		{"trailing junk", "/api/v1/me", []string{"Authorization", "Bearer " + s.access + " x"}},
		{"refresh token", "/api/v1/me", []string{"Authorization", "Bearer " + s.refresh}},
		{"huge", "/api/v1/me", []string{"Authorization", "Bearer " + strings.Repeat("A", 64<<10)}},
	}
	for _, c := range refused {
		if r := env.Do("GET", c.path, "", nil, c.headers...); r.Status != http.StatusUnauthorized || r.ErrorCode() != "unauthorized" {
			t.Errorf("%s: %d %.200s", c.name, r.Status, r.Body)
		}
	}
	if r := env.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": s.access}); r.Status != http.StatusUnauthorized {
		t.Errorf("access token as refresh token: %d %s", r.Status, r.Body)
	}
	if r := env.Do("GET", "/api/v1/me", s.access, nil); r.Status != http.StatusOK {
		t.Fatalf("the genuine token: %d %s", r.Status, r.Body)
	}
}

// checkHandmadeTokens refuses tokens made by hand: alg none in other
// spellings, an empty HMAC key, a key id pointing at a file, the role
// claim alone raised to admin.
func checkHandmadeTokens(t *testing.T, w *world) {
	env := w.env
	c := env.NewUser("commissioner", inVillage)
	payload := strings.Split(c.Token, ".")[1]
	raised := strings.Split(retarget(t, c.Token, c.User.ID, sessionOf(t, c.Token)), ".")[1]
	tokens := map[string]string{
		"alg NONE":       handmade(`{"alg":"NONE","typ":"JWT"}`, payload, nil),
		"alg nOnE":       handmade(`{"alg":"nOnE","typ":"JWT"}`, payload, nil),
		"empty key":      handmade(`{"alg":"HS256","typ":"JWT"}`, payload, []byte{}),
		"kid to a file":  handmade(`{"alg":"HS256","typ":"JWT","kid":"../../../../dev/null"}`, payload, []byte{}),
		"role raised":    strings.Join([]string{strings.Split(c.Token, ".")[0], raised, strings.Split(c.Token, ".")[2]}, "."),
		"no signature":   strings.Join(strings.Split(c.Token, ".")[:2], ".") + ".",
		"two dots short": strings.Join(strings.Split(c.Token, ".")[:2], "."),
	}
	for name, tok := range tokens {
		if r := env.Do("GET", "/api/v1/me", tok, nil); r.Status != http.StatusUnauthorized {
			t.Errorf("%s: %d %.200s", name, r.Status, r.Body)
		}
	}
}

// handmade signs header.payload with HS256 under key, or leaves the
// signature empty when key is nil.
func handmade(header, payload string, key []byte) string {
	signing := base64.RawURLEncoding.EncodeToString([]byte(header)) + "." + payload
	if key == nil {
		return signing + "."
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(signing))
	return signing + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkClaimsDoNotOutrankTheDatabase demotes a bureau user and deactivates
// another in the database: their live tokens still name the old role, and
// the database wins at once; a refresh of the deactivated login fails.
func checkClaimsDoNotOutrankTheDatabase(t *testing.T, w *world) {
	env := w.env
	demoted, gone := env.NewUser("bureau", inCounty), env.NewUser("bureau", inCounty)
	goneLogin := w.login(gone)
	body := func() map[string]string {
		return map[string]string{"phone": freshPhone(), "password": "password-123", "name": "乡镇办", "role": "township", "region_code": inTownship}
	}
	if r := env.Do("POST", "/api/v1/users", demoted.Token, body()); r.Status != http.StatusCreated {
		t.Fatalf("as bureau: %d %s", r.Status, r.Body)
	}
	db := env.DB().Model(&models.User{})
	if err := db.Where("id = ?", demoted.User.ID).Updates(map[string]any{"role": "township", "region_code": inTownship}).Error; err != nil {
		t.Fatal(err)
	}
	if err := env.DB().Model(&models.User{}).Where("id = ?", gone.User.ID).Update("active", false).Error; err != nil {
		t.Fatal(err)
	}
	if r := env.Do("POST", "/api/v1/users", demoted.Token, body()); r.Status != http.StatusForbidden {
		t.Errorf("demoted to township, token still says bureau: %d %s", r.Status, r.Body)
	}
	if r := env.Do("GET", "/api/v1/me", goneLogin.access, nil); r.Status != http.StatusUnauthorized {
		t.Errorf("deactivated user's token: %d", r.Status)
	}
	if r := env.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": goneLogin.refresh}); r.Status != http.StatusUnauthorized {
		t.Errorf("deactivated user's refresh: %d %s", r.Status, r.Body)
	}
}

// checkRefreshReuseEndsTheLoginEverywhere presents a rotated refresh token
// again: every access token of that login stops working on every route,
// while the user's other login goes on.
func checkRefreshReuseEndsTheLoginEverywhere(t *testing.T, w *world) {
	env := w.env
	p := env.NewUser("bureau", inCounty)
	first := w.login(p)
	r := env.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": first.refresh})
	if r.Status != http.StatusOK {
		t.Fatalf("refresh: %d %s", r.Status, r.Body)
	}
	second := r.JSON()["access_token"].(string)
	// Past the 60 s grace (the use moved 61 s back), presenting it again
	// is reuse.
	err := env.DB().Exec("UPDATE refresh_tokens SET used_at = ? WHERE hash = ?", models.Now().Add(-61*time.Second), models.HashRefreshToken(first.refresh)).Error
	if err != nil {
		t.Fatal(err)
	}
	if r := env.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": first.refresh}); r.Status != http.StatusUnauthorized {
		t.Fatalf("reuse: %d %s", r.Status, r.Body)
	}
	for _, rt := range serverRoutes(env.App.Echo) {
		ru, ok := ruleFor(rt)
		if !ok || ru.kind == kindPublic {
			continue
		}
		c := ru.build(w, 0, "bureau")
		for _, tok := range []string{first.access, second} {
			if r := env.Do(rt.method, c.path, tok, c.body, c.headers...); r.Status != http.StatusUnauthorized {
				t.Errorf("%s with a token of the revoked login: %d %.200s", rt, r.Status, r.Body)
			}
		}
	}
	if r := env.Do("GET", "/api/v1/me", p.Token, nil); r.Status != http.StatusOK {
		t.Errorf("the user's other login: %d", r.Status)
	}
}

// checkBruteForceEvasion guesses passwords while changing what a client
// controls: forwarded-for headers, spaces around the phone. The limit
// still answers 429 with Retry-After after the tenth failure.
func checkBruteForceEvasion(t *testing.T, w *world) {
	env := w.env
	victim := env.NewUser("bureau", inCounty)
	phones := []string{victim.User.Phone, " " + victim.User.Phone, victim.User.Phone + " ", "\t" + victim.User.Phone + "\n"}
	for i := range 10 {
		ip := "10.1.2." + strconv.Itoa(i)
		r := env.Do("POST", "/api/v1/auth/login", "", map[string]string{"phone": phones[i%len(phones)], "password": "guess-" + strconv.Itoa(i)},
			"X-Forwarded-For", ip, "X-Real-IP", ip, "Forwarded", "for="+ip)
		if r.Status != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d %s", i+1, r.Status, r.Body)
		}
	}
	r := env.Do("POST", "/api/v1/auth/login", "", map[string]string{"phone": victim.User.Phone, "password": victim.Password},
		"X-Forwarded-For", "10.9.9.9", "X-Real-IP", "10.9.9.9")
	secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if r.Status != http.StatusTooManyRequests || r.ErrorCode() != "rate_limited" || err != nil || secs < 1 || secs > int((15*time.Minute).Seconds()) {
		t.Fatalf("eleventh attempt: %d Retry-After %q %s", r.Status, r.Header.Get("Retry-After"), r.Body)
	}
}
