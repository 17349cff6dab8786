package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/auth"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// Auth handles login, token refresh and logout.
type Auth struct{ d Deps }

// NewAuth returns the auth handlers.
func NewAuth(d Deps) *Auth { return &Auth{d: d} }

// Register mounts login and refresh on the public group and logout on the
// authenticated one.
func (h *Auth) Register(public, authed *echo.Group) {
	public.POST("/auth/login", h.login)
	public.POST("/auth/refresh", h.refresh)
	authed.POST("/auth/logout", h.logout)
}

type loginRequest struct {
	Phone    string `json:"phone"`
	Password string `json:"password"`
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// tokenUser is the user a token response names.
type tokenUser struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Role       string `json:"role"`
	RegionCode string `json:"region_code"`
}

type tokenResponse struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token"`
	TokenType    string    `json:"token_type"`
	ExpiresIn    int       `json:"expires_in"`
	User         tokenUser `json:"user"`
	// MustChangePassword is true after a password reset: the access token
	// is then good only for GET /me and POST /me/password.
	MustChangePassword bool `json:"must_change_password"`
}

var errBadLogin = apierr.Unauthorized("手机号或密码错误", "wrong phone or password")

// login checks a phone and password and answers a new token pair.
func (h *Auth) login(c echo.Context) error {
	var in loginRequest
	if err := BindJSON(c, &in); err != nil {
		return err
	}
	g, err := h.SignIn(c.Request().Context(), in.Phone, in.Password, c.RealIP())
	if err != nil {
		return err
	}
	return h.grant(c, g)
}

// SignIn checks a phone and password from ip and opens a login; the API
// and the web console both sign in through it. Attempts are counted per
// phone and per IP before the password is checked; a successful login
// forgets the phone's count and takes its own attempt back from the IP's
// count, so that only failures add up on an IP many people share.
func (h *Auth) SignIn(ctx context.Context, phone, password, ip string) (*models.Grant, error) {
	in := loginRequest{Phone: strings.TrimSpace(phone), Password: password}
	var f apierr.Fields
	checkText(&f, "phone", in.Phone, true, 20)
	checkText(&f, "password", in.Password, true, 72)
	if err := f.Err(); err != nil {
		return nil, err
	}
	ipWin, err := h.limit(ctx, "login:phone:"+in.Phone, "login:ip:"+ip)
	if err != nil {
		return nil, err
	}
	u, err := h.check(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := h.d.DB.ClearHits(ctx, "login:phone:"+in.Phone); err != nil {
		return nil, err
	}
	if err := h.d.DB.Unhit(ctx, ipWin); err != nil {
		return nil, err
	}
	return h.d.DB.StartSession(ctx, *u, h.d.Config.RefreshTTL)
}

// check returns the user whose phone and password these are; an unknown
// phone costs the same password check as a wrong password and answers
// the same 401.
func (h *Auth) check(ctx context.Context, in loginRequest) (*models.User, error) {
	u, err := h.d.DB.UserByPhone(ctx, in.Phone)
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, err
	}
	hash := ""
	if u != nil {
		hash = u.PasswordHash
	}
	if !auth.CheckPassword(hash, in.Password, h.d.Config.BcryptCost) || u == nil {
		return nil, errBadLogin
	}
	if !u.Active {
		return nil, errDisabled
	}
	return u, nil
}

// errDisabled answers the right password of a disabled account: only then,
// so that it tells nothing to someone who does not know the password.
var errDisabled = apierr.ForbiddenMsg("账号已停用，请联系管理员", "this account is disabled; ask an administrator to enable it")

// limit counts an attempt on the phone's and the IP's buckets and answers
// 429 when either went over the limit in its window. It returns the IP's
// window, for taking the attempt back after a success.
func (h *Auth) limit(ctx context.Context, phoneBucket, ipBucket string) (models.Window, error) {
	phoneWin, err := h.d.DB.Hit(ctx, phoneBucket, h.d.Config.LoginWindow)
	if err != nil {
		return phoneWin, err
	}
	ipWin, err := h.d.DB.Hit(ctx, ipBucket, h.d.Config.LoginWindow)
	if err != nil {
		return ipWin, err
	}
	var retry time.Duration
	if phoneWin.Hits > h.d.Config.LoginLimit {
		retry = max(retry, time.Until(phoneWin.Ends), time.Second)
	}
	if ipWin.Hits > h.d.Config.LoginIPLimit {
		retry = max(retry, time.Until(ipWin.Ends), time.Second)
	}
	if retry > 0 {
		return ipWin, apierr.RateLimited(retry)
	}
	return ipWin, nil
}

// refresh exchanges a refresh token for a new pair.
func (h *Auth) refresh(c echo.Context) error {
	var in refreshRequest
	if err := BindJSON(c, &in); err != nil {
		return err
	}
	if in.RefreshToken == "" {
		return apierr.Invalid("refresh_token", "不能为空", "is required")
	}
	issue := func(u models.User, sessionID string) (string, error) {
		return h.d.Tokens.Issue(u.ID, sessionID, u.Role)
	}
	g, err := h.d.DB.RotateRefresh(c.Request().Context(), in.RefreshToken, h.d.Config.RefreshTTL, h.d.Config.RefreshGrace, issue)
	switch {
	case errors.Is(err, models.ErrRefreshReused):
		Logger(c).Warn("refresh token reused; login revoked")
		return apierr.Unauthorized("刷新令牌已被使用，登录已失效，请重新登录", "refresh token already used; the login has been revoked").WithCause(err)
	case errors.Is(err, models.ErrRefreshInvalid):
		return apierr.Unauthorized("刷新令牌无效或已过期", "invalid or expired refresh token").WithCause(err)
	case err != nil:
		return err
	}
	return h.grant(c, g)
}

// grant answers a login or refresh with its pair, signing the access
// token when the grant does not carry one yet.
func (h *Auth) grant(c echo.Context, g *models.Grant) error {
	access := g.AccessToken
	if access == "" {
		var err error
		if access, err = h.d.Tokens.Issue(g.User.ID, g.SessionID, g.User.Role); err != nil {
			return err
		}
	}
	u := g.User
	return c.JSON(http.StatusOK, tokenResponse{
		AccessToken: access, RefreshToken: g.RefreshToken, TokenType: "Bearer",
		ExpiresIn:          int(h.d.Tokens.TTL() / time.Second),
		User:               tokenUser{ID: u.ID, Name: u.Name, Role: u.Role, RegionCode: u.RegionCode},
		MustChangePassword: u.MustChangePassword,
	})
}

// logout ends the caller's login, and the login the refresh token names
// when it is the caller's own; an unknown refresh token changes nothing
// more.
func (h *Auth) logout(c echo.Context) error {
	var in refreshRequest
	if c.Request().ContentLength != 0 {
		if err := BindJSON(c, &in); err != nil {
			return err
		}
	}
	ctx := c.Request().Context()
	p := Caller(c)
	if in.RefreshToken != "" {
		sid, uid, err := h.d.DB.RefreshSession(ctx, in.RefreshToken)
		if err != nil && !errors.Is(err, models.ErrRefreshInvalid) {
			return err
		}
		if err == nil && uid == p.UserID {
			if err := h.d.DB.RevokeSession(ctx, sid, "logout"); err != nil {
				return err
			}
		}
	}
	if err := h.d.DB.RevokeSession(ctx, p.SessionID, "logout"); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
