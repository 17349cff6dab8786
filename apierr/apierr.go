// Package apierr is tepai's one error type: an HTTP status, the contract's
// error code, a safe message in Chinese and English, field details, and a
// cause that is logged but never sent to a client.
package apierr

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Error is an error a client may see.
type Error struct {
	Status  int
	Code    string
	ZH, EN  string
	Details []Detail
	// Current is the stored record, sent beside "error" on 412 and on
	// conflicts where the client needs it.
	Current any
	// RetryAfter, when positive, is sent as the Retry-After header.
	RetryAfter time.Duration
	cause      error
}

// Detail names one bad field.
type Detail struct {
	Field string
	ZH    string
	EN    string
}

func (e *Error) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.EN, e.cause)
	}
	return e.Code + ": " + e.EN
}

// Unwrap returns the hidden cause.
func (e *Error) Unwrap() error { return e.cause }

// WithCause returns a copy of e that carries cause for the logs.
func (e *Error) WithCause(cause error) *Error {
	c := *e
	c.cause = cause
	return &c
}

// Message returns the message in the language asked for ("en" or Chinese).
func (e *Error) Message(lang string) string {
	if lang == "en" {
		return e.EN
	}
	return e.ZH
}

// Body is the contract's error object (without request_id).
func (e *Error) Body(lang string) map[string]any {
	obj := map[string]any{"code": e.Code, "message": e.Message(lang)}
	if len(e.Details) > 0 {
		ds := make([]map[string]string, len(e.Details))
		for i, d := range e.Details {
			msg := d.ZH
			if lang == "en" {
				msg = d.EN
			}
			ds[i] = map[string]string{"field": d.Field, "message": msg}
		}
		obj["details"] = ds
	}
	return obj
}

// Headers returns the response headers the error asks for.
func (e *Error) Headers() map[string]string {
	if e.RetryAfter > 0 {
		secs := int((e.RetryAfter + time.Second - 1) / time.Second)
		return map[string]string{"Retry-After": strconv.Itoa(secs)}
	}
	return nil
}

// As returns err as *Error when it is one (or wraps one).
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

func newErr(status int, code, zh, en string) *Error {
	return &Error{Status: status, Code: code, ZH: zh, EN: en}
}

// BadRequest is a malformed request: bad JSON, an unknown query value.
func BadRequest(zh, en string) *Error {
	return newErr(http.StatusBadRequest, "bad_request", zh, en)
}

// Unauthorized is a missing, invalid or expired credential.
func Unauthorized(zh, en string) *Error {
	return newErr(http.StatusUnauthorized, "unauthorized", zh, en)
}

// Forbidden is an action outside the caller's role or scope.
func Forbidden() *Error {
	return newErr(http.StatusForbidden, "forbidden", "无权执行此操作", "you are not allowed to do this")
}

// ForbiddenMsg is a 403 that says why.
func ForbiddenMsg(zh, en string) *Error {
	return newErr(http.StatusForbidden, "forbidden", zh, en)
}

// NotFound is a record that does not exist or lies outside the caller's scope.
func NotFound() *Error {
	return newErr(http.StatusNotFound, "not_found", "记录不存在", "not found")
}

// Conflict is a clash with stored state: the same id with other content, a
// locked evaluation, a duplicate phone.
func Conflict(zh, en string) *Error {
	return newErr(http.StatusConflict, "conflict", zh, en)
}

// PreconditionFailed is a stale If-Match; current is the stored record.
func PreconditionFailed(current any) *Error {
	e := newErr(http.StatusPreconditionFailed, "precondition_failed", "记录已被修改，请基于最新版本重试", "the record has changed; retry on the current version")
	e.Current = current
	return e
}

// TooLarge is a body over the size limit.
func TooLarge() *Error {
	return newErr(http.StatusRequestEntityTooLarge, "payload_too_large", "请求内容过大", "request body too large")
}

// TooLargeLimit is a body over the size limit that names the limit;
// what names the body ("照片", "photo").
func TooLargeLimit(whatZH, whatEN string, limit int64) *Error {
	size := Size(limit)
	return newErr(http.StatusRequestEntityTooLarge, "payload_too_large",
		fmt.Sprintf("%s超过大小上限 %s（%d 字节）", whatZH, size, limit),
		fmt.Sprintf("the %s is over the size limit of %s (%d bytes)", whatEN, size, limit))
}

// Size writes a byte count the way limits are stated: in MiB or KiB when
// it is a whole number of them, else in bytes.
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

// UnsupportedMedia is a body of a type the endpoint does not take.
func UnsupportedMedia(zh, en string) *Error {
	return newErr(http.StatusUnsupportedMediaType, "unsupported_media_type", zh, en)
}

// RateLimited asks the client to come back after retry.
func RateLimited(retry time.Duration) *Error {
	e := newErr(http.StatusTooManyRequests, "rate_limited", "请求过于频繁，请稍后再试", "too many requests; try again later")
	e.RetryAfter = retry
	return e
}

// Unavailable is a dependency that is down; nothing was half-written.
func Unavailable(cause error) *Error {
	e := newErr(http.StatusServiceUnavailable, "unavailable", "服务暂不可用，请稍后重试", "service temporarily unavailable; try again later")
	e.RetryAfter = 5 * time.Second
	return e.WithCause(cause)
}

// Internal is an unexpected failure; the cause is logged, never sent.
func Internal(cause error) *Error {
	return newErr(http.StatusInternalServerError, "internal", "服务器内部错误", "internal server error").WithCause(cause)
}

// Fields collects validation failures, one Detail per bad field.
type Fields []Detail

// Add records that field is bad.
func (f *Fields) Add(field, zh, en string) {
	*f = append(*f, Detail{Field: field, ZH: zh, EN: en})
}

// Has reports whether field already has a failure.
func (f Fields) Has(field string) bool {
	for _, d := range f {
		if d.Field == field {
			return true
		}
	}
	return false
}

// Err returns a 422 validation_failed error, or nil when nothing failed.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	e := newErr(http.StatusUnprocessableEntity, "validation_failed", "提交的数据未通过校验", "validation failed")
	e.Details = append([]Detail(nil), f...)
	return e
}

// Invalid is a 422 for one field.
func Invalid(field, zh, en string) error {
	var f Fields
	f.Add(field, zh, en)
	return f.Err()
}
