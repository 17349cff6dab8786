package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/handlers"
	"github.com/tepai/tepai/models"
	"github.com/tepai/tepai/storage"
	"gorm.io/gorm"
)

// errorHandler writes every failure in the contract's shape and logs the
// cause with the request id; err.Error() never reaches the client.
func errorHandler(base *slog.Logger, db *models.DB) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		e := toAPIError(err)
		if e.Status == http.StatusForbidden && e.ZH == apierr.Forbidden().ZH && handlers.Caller(c) != nil {
			e = withScope(c, db, e)
		}
		log := handlers.Logger(c)
		if e.Status >= 500 {
			log.Error("request failed", "status", e.Status, "code", e.Code, "err", err,
				"method", c.Request().Method, "route", c.Path())
		} else {
			log.Debug("request refused", "status", e.Status, "code", e.Code, "err", err)
		}
		lang := Language(c.Request().Header.Get("Accept-Language"))
		body := map[string]any{"error": e.Body(lang), "request_id": handlers.RequestID(c)}
		if e.Current != nil {
			body["current"] = e.Current
		}
		for k, v := range e.Headers() {
			c.Response().Header().Set(k, v)
		}
		if c.Request().Method == http.MethodHead {
			err = c.NoContent(e.Status)
		} else {
			err = c.JSON(e.Status, body)
		}
		if err != nil {
			log.Error("write error response", "err", err)
		}
	}
}

// withScope adds the caller's role and scope region (code and name) to a
// plain 403, so that the caller sees what it may reach.
func withScope(c echo.Context, db *models.DB, e *apierr.Error) *apierr.Error {
	zh, en := handlers.ScopeOf(c.Request().Context(), db, handlers.Caller(c))
	scoped := *e
	scoped.ZH, scoped.EN = e.ZH+"："+zh, e.EN+": "+en
	return &scoped
}

// Language picks "en" when the client's first language is English, else
// Chinese.
func Language(header string) string {
	first := strings.ToLower(strings.TrimSpace(strings.SplitN(header, ",", 2)[0]))
	if strings.HasPrefix(first, "en") {
		return "en"
	}
	return "zh"
}

func toAPIError(err error) *apierr.Error {
	if e, ok := apierr.As(err); ok {
		return e
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return &apierr.Error{Status: 404, Code: "not_found", ZH: "接口不存在", EN: "no such endpoint"}
		case http.StatusMethodNotAllowed:
			return &apierr.Error{Status: 405, Code: "method_not_allowed", ZH: "不支持该请求方法", EN: "method not allowed"}
		case http.StatusRequestEntityTooLarge:
			return apierr.TooLarge()
		case http.StatusUnsupportedMediaType:
			return apierr.UnsupportedMedia("不支持的内容类型", "unsupported media type")
		case http.StatusUnauthorized:
			return apierr.Unauthorized("未登录或登录已失效", "missing or invalid credentials")
		case http.StatusBadRequest:
			return apierr.BadRequest("请求格式错误", "bad request").WithCause(err)
		case http.StatusServiceUnavailable:
			return apierr.Unavailable(err)
		}
		if he.Code >= 500 {
			return apierr.Internal(err)
		}
		return &apierr.Error{Status: he.Code, Code: strings.ReplaceAll(strings.ToLower(http.StatusText(he.Code)), " ", "_"), ZH: http.StatusText(he.Code), EN: http.StatusText(he.Code)}
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return apierr.TooLargeLimit("请求体", "request body", tooLarge.Limit)
	case errors.Is(err, gorm.ErrRecordNotFound):
		return apierr.NotFound().WithCause(err)
	case errors.Is(err, storage.ErrUnavailable), models.IsUnavailable(err):
		return apierr.Unavailable(err)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		// A request cut short (the client gone, the server stopping)
		// changed nothing the client cannot send again, as tus uploads
		// answer it: not a server bug.
		return apierr.Unavailable(err)
	}
	return apierr.Internal(err)
}
