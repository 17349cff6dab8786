package testenv

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"testing"
)

// TestValidateExchange checks the validator itself on made-up responses.
func TestValidateExchange(t *testing.T) {
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write([]byte(`{"code":"33","name":"浙江省","level":"province","parent_code":"","rural":false}`))
	zw.Close()
	errorBody := `{"error":{"code":"not_found","message":"记录不存在"},"request_id":"r1"}`
	cases := []struct {
		name, method, path string
		status             int
		contentType, body  string
		gzip               bool
		ok                 bool
	}{
		{"matches", "GET", "/api/v1/regions/33", 200, "application/json", `{"code":"33","name":"浙江省","level":"province","parent_code":"","rural":false}`, false, true},
		{"gzip", "GET", "/api/v1/regions/33", 200, "application/json", zipped.String(), true, true},
		{"error shape", "GET", "/api/v1/regions/330899", 404, "application/json", errorBody, false, true},
		{"undocumented route", "GET", "/api/v1/nope", 200, "application/json", `[1]`, false, true},
		{"undocumented method", "DELETE", "/api/v1/regions/33", 405, "application/json", `{}`, false, true},
		{"metrics text", "GET", "/metrics", 200, "text/plain; version=0.0.4", "# HELP x\nx 1\n", false, true},
		{"missing field", "GET", "/api/v1/regions/33", 200, "application/json", `{"code":"33","name":"浙江省","level":"province","parent_code":""}`, false, false},
		{"wrong enum", "GET", "/api/v1/regions/33", 200, "application/json", `{"code":"33","name":"浙江省","level":"nation","parent_code":"","rural":false}`, false, false},
		{"undocumented status", "GET", "/healthz", 418, "application/json", `{"status":"ok"}`, false, false},
		{"error not in Error shape", "GET", "/api/v1/regions/330899", 404, "application/json", `{"message":"no"}`, false, false},
		{"undocumented media type", "GET", "/metrics", 200, "text/html", "<p>", false, false},
		{"bad gzip", "GET", "/api/v1/regions/33", 200, "application/json", "not gzip", true, false},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest(tc.method, "http://127.0.0.1:1"+tc.path, nil)
		res := &http.Response{StatusCode: tc.status, Header: http.Header{"Content-Type": {tc.contentType}}}
		if tc.gzip {
			res.Header.Set("Content-Encoding", "gzip")
		}
		err := ValidateExchange(req, res, []byte(tc.body))
		if (err == nil) != tc.ok {
			t.Errorf("%s: error %v, want ok=%t", tc.name, err, tc.ok)
		}
	}
}
