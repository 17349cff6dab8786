package server

import (
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/handlers"
	"github.com/tepai/tepai/web"
	"gorm.io/gorm"
)

// accessLog writes one JSON line per request, with its request id.
func accessLog() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			req := c.Request()
			handlers.Logger(c).Info("request",
				"method", req.Method, "path", req.URL.Path, "route", c.Path(),
				"status", c.Response().Status, "bytes", c.Response().Size,
				"duration_ms", float64(time.Since(start).Microseconds())/1000,
				"remote_ip", c.RealIP())
			return nil
		}
	}
}

// recoverer turns a panic into a logged 500 in the error shape.
func recoverer() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			defer func() {
				if r := recover(); r != nil {
					if r == http.ErrAbortHandler {
						panic(r)
					}
					handlers.Logger(c).Error("panic", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
					err = apierr.Internal(fmt.Errorf("panic: %v", r))
				}
			}()
			return next(c)
		}
	}
}

// metrics counts requests and their latencies by route and status.
func metrics(reg *prometheus.Registry) echo.MiddlewareFunc {
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tepai_http_requests_total", Help: "HTTP requests by method, route and status.",
	}, []string{"method", "route", "status"})
	latency := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "tepai_http_request_duration_seconds", Help: "HTTP request latency by method, route and status.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"method", "route", "status"})
	reg.MustRegister(requests, latency)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			status := strconv.Itoa(c.Response().Status)
			requests.WithLabelValues(c.Request().Method, route, status).Inc()
			latency.WithLabelValues(c.Request().Method, route, status).Observe(time.Since(start).Seconds())
			return nil
		}
	}
}

// authenticate checks the bearer token and loads the caller from the
// database, so that a revoked login or a deactivated user stops working on
// every replica at once.
func authenticate(d handlers.Deps) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Request().Header.Get(echo.HeaderAuthorization)
			token, ok := strings.CutPrefix(h, "Bearer ")
			if (!ok || token == "") && safeMethod(c.Request().Method) {
				// The console's session cookie reads photos and exports.
				if p, err := web.SessionPrincipal(c, d.DB); p != nil || err != nil {
					if err != nil {
						return err
					}
					if p.MustChangePassword && !passwordChangeRoute(c) {
						return errTemporaryPassword()
					}
					handlers.SetPrincipal(c, p)
					return next(c)
				}
			}
			if !ok || token == "" {
				return bearerError(h)
			}
			claims, err := d.Tokens.Parse(token)
			if err != nil {
				return apierr.Unauthorized("访问令牌无效或已过期", "invalid or expired access token").WithCause(err)
			}
			p, err := d.DB.LoadPrincipal(c.Request().Context(), claims.Subject, claims.SessionID)
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return apierr.Unauthorized("登录已失效，请重新登录", "login is no longer valid").WithCause(err)
			}
			if err != nil {
				return err // the database is down (503) or failing (500); the login may still be valid
			}
			if p.MustChangePassword && !passwordChangeRoute(c) {
				return errTemporaryPassword()
			}
			handlers.SetPrincipal(c, p)
			handlers.SetLogger(c, handlers.Logger(c).With("user_id", p.UserID))
			return next(c)
		}
	}
}

// bearerError says what is wrong with an Authorization header that is
// not exactly "Bearer <token>": missing, of another scheme, or without a
// token.
func bearerError(h string) error {
	switch {
	case strings.TrimSpace(h) == "":
		return apierr.Unauthorized("缺少访问令牌：请在 Authorization 头中发送 \"Bearer <access_token>\"",
			"missing access token: send \"Authorization: Bearer <access_token>\"")
	case strings.HasPrefix(h, "Bearer ") || h == "Bearer":
		return apierr.Unauthorized("Authorization 头中 Bearer 之后缺少访问令牌", "no access token after \"Bearer \" in the Authorization header")
	}
	return apierr.Unauthorized("Authorization 头的认证方案错误：须为 \"Bearer <access_token>\"（Bearer 后有一个空格）",
		"wrong Authorization scheme: it must be \"Bearer <access_token>\" (Bearer, a space, then the token)")
}

// errTemporaryPassword refuses a request of a login whose password was
// reset, by token or by console cookie, until the password is changed.
func errTemporaryPassword() error {
	return apierr.ForbiddenMsg("请先修改临时密码：此登录只能读取 GET /api/v1/me 和调用 POST /api/v1/me/password",
		"change the temporary password first: this login may only use GET /api/v1/me and POST /api/v1/me/password")
}

// passwordChangeRoute reports whether the request is one a login with a
// temporary password may make: reading itself or changing the password.
func passwordChangeRoute(c echo.Context) bool {
	m, path := c.Request().Method, c.Path()
	return m == http.MethodGet && path == "/api/v1/me" || m == http.MethodPost && path == "/api/v1/me/password"
}

// securityHeaders tells browsers not to guess content types: every answer
// is to be taken as the type it declares (a photo that is also HTML stays
// an image).
func securityHeaders() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Response().Header().Set("X-Content-Type-Options", "nosniff")
			return next(c)
		}
	}
}

// safeMethod reports whether method only reads (GET, HEAD).
func safeMethod(method string) bool { return method == http.MethodGet || method == http.MethodHead }
