// Package handlers holds tepai's HTTP handlers, one file per resource. A
// handler binds the request into a DTO, validates it, calls models and
// writes the response; scope and ownership live in the models' queries.
package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/auth"
	"github.com/tepai/tepai/config"
	"github.com/tepai/tepai/models"
	"github.com/tepai/tepai/storage"
)

// Deps are what handlers need, passed down explicitly.
type Deps struct {
	Config config.Config
	DB     *models.DB
	Store  storage.Store
	Tokens *auth.Tokens
	Log    *slog.Logger
}

const (
	principalKey = "tepai.principal"
	loggerKey    = "tepai.logger"
)

// SetPrincipal records the authenticated caller on the request.
func SetPrincipal(c echo.Context, p *models.Principal) { c.Set(principalKey, p) }

// Caller returns the authenticated caller; routes behind the auth
// middleware always have one.
func Caller(c echo.Context) *models.Principal {
	p, _ := c.Get(principalKey).(*models.Principal)
	return p
}

// SetLogger records the request's logger (carrying its request id).
func SetLogger(c echo.Context, l *slog.Logger) { c.Set(loggerKey, l) }

// Logger returns the request's logger.
func Logger(c echo.Context) *slog.Logger {
	if l, ok := c.Get(loggerKey).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// RequestID returns the request's id.
func RequestID(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}

// BindJSON decodes the JSON body into dst, a request DTO. Malformed JSON or
// a body that is not UTF-8 is 400; a value of the wrong type is 422 naming
// the field. Unknown fields are ignored, so that newer apps can talk to
// older servers.
func BindJSON(c echo.Context, dst any) error {
	raw, err := readJSONBody(c)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	err = dec.Decode(dst)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			return apierr.BadRequest("JSON 之后还有多余内容", "unexpected data after the JSON body")
		}
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return apierr.Invalid(typeErr.Field, "类型错误，应为 "+typeErr.Type.String(), "wrong type, expected "+typeErr.Type.String())
	case errors.Is(err, io.EOF):
		return apierr.BadRequest("请求体为空", "empty request body")
	}
	if se := syntaxError(raw); se != nil {
		return se
	}
	return apierr.BadRequest("JSON 格式错误：须为一个 JSON 对象", "malformed JSON: expected one JSON object").WithCause(err)
}

// Page is a list request's paging: limit (default 50, at most 500) and the
// opaque cursor of the previous page.
type Page struct {
	Limit  int
	Cursor string
}

// ParsePage reads ?limit= and ?cursor=.
func ParsePage(c echo.Context) (Page, error) {
	p := Page{Limit: 50, Cursor: c.QueryParam("cursor")}
	if s := c.QueryParam("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 500 {
			return p, apierr.BadRequest("limit 须为 1 到 500 的整数", "limit must be an integer from 1 to 500")
		}
		p.Limit = n
	}
	return p, nil
}

// List is the contract's list envelope.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}
