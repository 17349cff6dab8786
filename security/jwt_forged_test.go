package security_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tepai/tepai/auth"
	"github.com/tepai/tepai/models"
)

// forgedTokens are tokens that must never let anyone in, each naming the
// admin (or a real admin login that has ended): alg none, a wrong key, a
// different HMAC, expired, not yet valid, another issuer, no expiry, a
// revoked session, a deactivated user, the signature of a commissioner's
// token over claims rewritten to the admin's.
func (w *world) forgedTokens() map[string]string {
	w.t.Helper()
	if w.forged != nil {
		return w.forged
	}
	admin := w.env.NewUser("admin", "")
	sid := sessionOf(w.t, admin.Token)
	now := time.Now()
	claims := func(mod func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"iss": "tepai", "sub": admin.User.ID, "sid": sid, "role": "admin",
			"iat": now.Unix(), "nbf": now.Add(-time.Minute).Unix(), "exp": now.Add(time.Hour).Unix()}
		if mod != nil {
			mod(c)
		}
		return c
	}
	key := []byte(w.env.Config.JWTSecret)
	w.forged = map[string]string{
		"alg none":    sign(w.t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(nil)),
		"wrong key":   sign(w.t, jwt.SigningMethodHS256, []byte("not-the-secret-not-the-secret-0123"), claims(nil)),
		"HS384":       sign(w.t, jwt.SigningMethodHS384, key, claims(nil)),
		"expired":     sign(w.t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Second).Unix() })),
		"not yet":     sign(w.t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) { c["nbf"] = now.Add(time.Hour).Unix() })),
		"issuer":      sign(w.t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) { c["iss"] = "elsewhere" })),
		"no expiry":   sign(w.t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) { delete(c, "exp") })),
		"no session":  sign(w.t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) { delete(c, "sid") })),
		"tampered":    retarget(w.t, w.sides[0].owner.Token, admin.User.ID, sid),
		"revoked":     w.revokedAdmin(),
		"deactivated": w.deactivatedAdmin(),
	}
	// The genuine admin token works, so the refusals are the forgeries'.
	if r := w.env.Do("GET", "/api/v1/me", admin.Token, nil); r.Status != http.StatusOK {
		w.t.Fatalf("genuine admin token: %d %s", r.Status, r.Body)
	}
	return w.forged
}

// revokedAdmin is the token of an admin who logged out.
func (w *world) revokedAdmin() string {
	a := w.env.NewUser("admin", "")
	if r := w.env.Do("POST", "/api/v1/auth/logout", a.Token, nil); r.Status != http.StatusNoContent {
		w.t.Fatalf("logout: %d %s", r.Status, r.Body)
	}
	return a.Token
}

// deactivatedAdmin is the live token of an admin whose user was
// deactivated.
func (w *world) deactivatedAdmin() string {
	a := w.env.NewUser("admin", "")
	if err := w.env.DB().Model(&models.User{}).Where("id = ?", a.User.ID).Update("active", false).Error; err != nil {
		w.t.Fatal(err)
	}
	return a.Token
}

func sign(t testing.TB, m jwt.SigningMethod, key any, c jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(m, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sessionOf reads the session id out of an access token.
func sessionOf(t testing.TB, token string) string {
	t.Helper()
	var cl auth.Claims
	if _, _, err := jwt.NewParser().ParseUnverified(token, &cl); err != nil {
		t.Fatal(err)
	}
	return cl.SessionID
}

// checkForged calls an authenticated route with two of the forged tokens,
// taken in turn so that across the route table each kind is tried on many
// routes (TestTokens tries them all on one): each is 401 unauthorized.
func (w *world) checkForged(t *testing.T, r route, ru rule) {
	forged := w.forgedTokens()
	names := make([]string, 0, len(forged))
	for name := range forged {
		names = append(names, name)
	}
	sort.Strings(names)
	c := ru.build(w, 0, "admin")
	for range 2 {
		name := names[w.forgedTurn%len(names)]
		w.forgedTurn++
		res := w.do(t, r.method, forged[name], c)
		if res.Status != http.StatusUnauthorized || r.method != "HEAD" && res.ErrorCode() != "unauthorized" {
			t.Errorf("forged token (%s): %d %.200s", name, res.Status, res.Body)
		}
	}
}

// retarget rewrites a token's subject, session and role to an admin's
// while keeping its signature.
func retarget(t testing.TB, token, sub, sid string) string {
	t.Helper()
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
