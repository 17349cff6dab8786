package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/handlers"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/openapi"
)

// errorSchema is the document's Error schema, which every failure answers.
func errorSchema(t *testing.T) *openapi3.Schema {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(openapi.JSON())
	if err != nil {
		t.Fatal(err)
	}
	return doc.Components.Schemas["Error"].Value
}

// checkError checks that r is status with the contract's error shape, code
// and request id, in the language asked for, and leaks nothing.
func checkError(t *testing.T, name string, r *testenv.Resp, status int, code, message string) {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Errorf("%s: body is not JSON: %s", name, r.Body)
		return
	}
	if err := errorSchema(t).VisitJSON(body); err != nil {
		t.Errorf("%s: body does not match the Error schema: %v\n%s", name, err, r.Body)
	}
	if r.Status != status || r.ErrorCode() != code {
		t.Errorf("%s: %d %q, want %d %q: %s", name, r.Status, r.ErrorCode(), status, code, r.Body)
	}
	if id := r.Header.Get("X-Request-Id"); id == "" || body["request_id"] != id {
		t.Errorf("%s: request_id %v, header %q", name, body["request_id"], id)
	}
	if msg := body["error"].(map[string]any)["message"]; message != "" && msg != message {
		t.Errorf("%s: message %q, want %q", name, msg, message)
	}
	for _, leak := range []string{"goroutine", ".go:", "boom", "panic"} {
		if bytes.Contains(r.Body, []byte(leak)) {
			t.Errorf("%s: body leaks %q: %s", name, leak, r.Body)
		}
	}
}

func TestErrorsHaveTheContractShape(t *testing.T) {
	cfg := testenv.Config(t, "sqlite")
	cfg.MaxBodyBytes = 1024
	env := testenv.NewWithConfig(t, "sqlite", cfg)
	env.App.Echo.POST("/test/json", func(c echo.Context) error {
		var in struct {
			Name string `json:"name"`
		}
		if err := handlers.BindJSON(c, &in); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, in)
	})
	env.App.Echo.GET("/test/panic", func(echo.Context) error { panic("boom") })
	// What a database call returns when the request's context ends (the
	// client gone): not a server error.
	env.App.Echo.GET("/test/canceled", func(echo.Context) error {
		return fmt.Errorf("raise change log head: %w", context.Canceled)
	})
	big := `{"name": "` + strings.Repeat("长", 1024) + `"}`
	en := []string{"Accept-Language", "en-US,en;q=0.9"}

	checkError(t, "unknown api route", env.Do("GET", "/api/v1/nope", "", nil), 404, "not_found", "接口不存在")
	checkError(t, "unknown route, en", env.Do("GET", "/nope", "", nil, en...), 404, "not_found", "no such endpoint")
	checkError(t, "wrong method", env.Do("POST", "/healthz", "", nil), 405, "method_not_allowed", "不支持该请求方法")
	checkError(t, "wrong method on an api route", env.Do("DELETE", "/api/v1/regions/33", env.Admin(), nil, en...), 405, "method_not_allowed", "method not allowed")
	// Syntax errors name the byte (from 1), line and column, and what is
	// wrong there: '}' is the 10th byte of {"name": }.
	checkError(t, "bad JSON", env.Do("POST", "/test/json", "", `{"name": `), 400, "bad_request", "JSON 格式错误：第 9 字节（第 1 行第 9 列）处内容意外结束（缺少引号、括号或值）")
	checkError(t, "bad JSON, en", env.Do("POST", "/test/json", "", `{"name": }`, en...), 400, "bad_request", "malformed JSON at byte 10 (line 1, column 10): unexpected character '}'")
	checkError(t, "trailing comma", env.Do("POST", "/test/json", "", "{\n  \"name\": \"x\",\n}"), 400, "bad_request", "JSON 格式错误：第 18 字节（第 3 行第 1 列）处的 '}' 之前有多余的逗号")
	checkError(t, "trailing comma, en", env.Do("POST", "/test/json", "", `{"name": "x",}`, en...), 400, "bad_request", "malformed JSON at byte 14 (line 1, column 14): trailing comma before '}'")
	checkError(t, "empty body", env.Do("POST", "/test/json", "", ""), 400, "bad_request", "")
	checkError(t, "not JSON", env.Do("POST", "/test/json", "", "name=x", "Content-Type", "text/plain"), 415, "unsupported_media_type", "")
	checkError(t, "wrong type", env.Do("POST", "/test/json", "", `{"name": 5}`), 422, "validation_failed", "")
	// The limit is 1024 bytes (cfg.MaxBodyBytes above) and the message says so.
	checkError(t, "too large", env.Do("POST", "/test/json", "", big, en...), 413, "payload_too_large", "the request body is over the size limit of 1 KiB (1024 bytes)")
	checkError(t, "too large, zh", env.Do("POST", "/test/json", "", big), 413, "payload_too_large", "请求体超过大小上限 1 KiB（1024 字节）")
	checkError(t, "canceled", env.Do("GET", "/test/canceled", "", nil), 503, "unavailable", "服务暂不可用，请稍后重试")
	checkError(t, "panic", env.Do("GET", "/test/panic", "", nil), 500, "internal", "服务器内部错误")
	checkError(t, "panic, en", env.Do("GET", "/test/panic", "", nil, en...), 500, "internal", "internal server error")
	checkError(t, "no token", env.Do("GET", "/api/v1/regions/33", "", nil, en...), 401, "unauthorized", `missing access token: send "Authorization: Bearer <access_token>"`)
	// A token sent without the scheme, or with another one, is told so.
	admin := env.Admin()
	checkError(t, "token without Bearer", env.Do("GET", "/api/v1/regions/33", "", nil, "Authorization", admin), 401, "unauthorized",
		`Authorization 头的认证方案错误：须为 "Bearer <access_token>"（Bearer 后有一个空格）`)
	checkError(t, "token with another scheme, en", env.Do("GET", "/api/v1/regions/33", "", nil, "Authorization", "Token "+admin, en[0], en[1]), 401, "unauthorized",
		`wrong Authorization scheme: it must be "Bearer <access_token>" (Bearer, a space, then the token)`)
	checkError(t, "Bearer without token, en", env.Do("GET", "/api/v1/regions/33", "", nil, "Authorization", "Bearer ", en[0], en[1]), 401, "unauthorized",
		`no access token after "Bearer " in the Authorization header`)
	checkError(t, "lower-case scheme", env.Do("GET", "/api/v1/regions/33", "", nil, "Authorization", "bearer "+admin), 401, "unauthorized",
		`Authorization 头的认证方案错误：须为 "Bearer <access_token>"（Bearer 后有一个空格）`)
	checkError(t, "forged token", env.Do("GET", "/api/v1/regions/33", "not-a-jwt", nil), 401, "unauthorized", "")

	// A body of unknown length is cut off at the limit as it is read.
	req, _ := http.NewRequestWithContext(context.Background(), "POST", env.Server.URL+"/test/json", io.MultiReader(strings.NewReader(big)))
	req.Header.Set("Content-Type", "application/json")
	res, err := env.Server.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if req.ContentLength != 0 || req.TransferEncoding != nil && req.TransferEncoding[0] != "chunked" {
		t.Fatalf("the request was not sent chunked: %d %v", req.ContentLength, req.TransferEncoding)
	}
	checkError(t, "too large, chunked", &testenv.Resp{Status: res.StatusCode, Header: res.Header, Body: b}, 413, "payload_too_large", "请求体超过大小上限 1 KiB（1024 字节）")

	var details struct {
		Error struct {
			Details []struct{ Field, Message string }
		}
	}
	env.Do("POST", "/test/json", "", `{"name": 5}`, en...).Decode(t, &details)
	if d := details.Error.Details; len(d) != 1 || d[0].Field != "name" || d[0].Message == "" {
		t.Errorf("wrong type details: %+v", d)
	}
	for _, path := range []string{"/healthz", "/api/v1/regions/33"} {
		if r := env.Do("POST", path, "", nil); !strings.Contains(r.Header.Get("Allow"), "GET") {
			t.Errorf("POST %s: 405 without Allow: %q", path, r.Header.Get("Allow"))
		}
	}
}
