package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/openapi"
)

// contract validates every response the tests of this package see against
// the OpenAPI document.
type contract struct {
	router   routers.Router
	mu       sync.Mutex
	failures map[string]int
	checked  int
}

func newContract() (*contract, error) {
	doc, err := openapi3.NewLoader().LoadFromData(openapi.JSON())
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi document: %w", err)
	}
	doc.Servers = nil
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	return &contract{router: router, failures: map[string]int{}}, nil
}

func (c *contract) observe(req *http.Request, res *http.Response, body []byte) {
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		c.fail(fmt.Sprintf("%s %s: not in the document (%v)", req.Method, req.URL.Path, err))
		return
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode,
		Header: res.Header, Body: io.NopCloser(bytes.NewReader(body)), Options: opts}
	c.mu.Lock()
	c.checked++
	c.mu.Unlock()
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		c.fail(fmt.Sprintf("%s %s -> %d: %v\n%s", req.Method, route.Path, res.StatusCode, err, trunc(body)))
	}
}

func (c *contract) fail(msg string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failures[msg]++
}

func trunc(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

// TestMain runs the package's tests with every response checked against the
// OpenAPI document; a response that does not match fails the run.
func TestMain(m *testing.M) {
	c, err := newContract()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testenv.AddObserver(c.observe)
	code := m.Run()
	if len(c.failures) > 0 {
		msgs := make([]string, 0, len(c.failures))
		for k := range c.failures {
			msgs = append(msgs, k)
		}
		sort.Strings(msgs)
		for _, msg := range msgs {
			fmt.Fprintf(os.Stderr, "contract: %s\n\n", msg)
		}
		fmt.Fprintf(os.Stderr, "contract: %d of %d responses do not match the OpenAPI document\n", len(msgs), c.checked)
		code = 1
	}
	os.Exit(code)
}

// TestRecordRoutesDocumented checks that every route of the field records
// and the audit trail is in the OpenAPI document, and every documented
// record path is routed.
func TestRecordRoutesDocumented(t *testing.T) {
	env := testenv.New(t, "sqlite")
	doc := openapi.Document()["paths"].(map[string]any)
	routed := map[string]bool{}
	for _, r := range env.App.Echo.Routes() {
		if !isRecordPath(r.Path) {
			continue
		}
		path := regexp.MustCompile(`:([a-z_]+)`).ReplaceAllString(r.Path, "{$1}")
		routed[r.Method+" "+path] = true
		ops, _ := doc[path].(map[string]any)
		if _, ok := ops[strings.ToLower(r.Method)]; !ok {
			t.Errorf("%s %s is not documented", r.Method, path)
		}
	}
	for path, ops := range doc {
		if !isRecordPath(path) {
			continue
		}
		for method := range ops.(map[string]any) {
			if method != "parameters" && !routed[strings.ToUpper(method)+" "+path] {
				t.Errorf("%s %s is documented but not routed", method, path)
			}
		}
	}
}

func isRecordPath(p string) bool {
	for _, prefix := range []string{"/api/v1/visits", "/api/v1/trainings", "/api/v1/plots", "/api/v1/households", "/api/v1/projects", "/api/v1/demands", "/api/v1/audit"} {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}
