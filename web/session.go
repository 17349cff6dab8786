package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// Cookie names: the login (the session's refresh token, which never
// leaves the cookie), the anti-forgery token of a visitor not yet signed
// in, and the chosen language.
const (
	sessionCookie = "tepai_session"
	csrfCookie    = "tepai_csrf"
	langCookie    = "tepai_lang"
)

// SessionPrincipal returns the caller a request's console cookie names,
// nil when there is none or its login has ended (revoked, expired, user
// disabled). The API accepts it on safe methods too, so that the console's
// photo links and export downloads go through the API's own routes.
func SessionPrincipal(c echo.Context, db *models.DB) (*models.Principal, error) {
	ck, err := c.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return nil, nil
	}
	return sessionOf(c.Request().Context(), db, ck.Value)
}

func sessionOf(ctx context.Context, db *models.DB, token string) (*models.Principal, error) {
	sid, uid, err := db.RefreshSession(ctx, token)
	if errors.Is(err, models.ErrRefreshInvalid) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p, err := db.LoadPrincipal(ctx, uid, sid)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return p, err
}

// csrfOf derives the anti-forgery token of a login from its secret
// cookie: a page from another site can neither read the cookie nor
// compute the token.
func csrfOf(sessionToken string) string {
	sum := sha256.Sum256([]byte("tepai-console-csrf:" + sessionToken))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// sameToken compares a submitted anti-forgery token in constant time.
func sameToken(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// setCookie writes an HttpOnly, SameSite=Lax cookie for the whole console,
// Secure when the request came over TLS (directly or through a proxy
// that says so); maxAge < 0 deletes it.
func setCookie(c echo.Context, name, value string, maxAge time.Duration) {
	ck := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: c.Scheme() == "https", MaxAge: int(maxAge / time.Second)}
	if maxAge < 0 {
		ck.MaxAge = -1
	}
	c.SetCookie(ck)
}

// visitorToken returns the anti-forgery token of a visitor not signed in,
// setting its cookie on first sight.
func visitorToken(c echo.Context) string {
	if ck, err := c.Cookie(csrfCookie); err == nil && len(ck.Value) >= 32 {
		return ck.Value
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	setCookie(c, csrfCookie, tok, 24*time.Hour)
	return tok
}
