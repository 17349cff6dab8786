package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/openapi"
)

// Kaihua County (330824) and, out of its scope, Longyou County (330825).
const (
	kaihua         = "330824"
	huabu          = "330824115"    // 华埠镇
	huabuVillage   = "330824115200" // 华阳村委会
	huabuVillage2  = "330824115201" // 毛力坑村委会
	tongcun        = "330824106"    // 桐村镇
	tongcunVillage = "330824106200" // 华山村委会
	longyou        = "330825"
	huzhen         = "330825101"    // 湖镇镇
	huzhenVillage  = "330825101200" // 新光村村民委员会
)

// peopleAPI calls tepai for the people tests and checks every answer
// against the OpenAPI document.
type peopleAPI struct {
	t   *testing.T
	env *testenv.Env
}

func newPeopleAPI(t *testing.T, env *testenv.Env) *peopleAPI { return &peopleAPI{t: t, env: env} }

// call sends a request and validates the response against the document.
func (a *peopleAPI) call(method, path, token string, body any, headers ...string) *testenv.Resp {
	a.t.Helper()
	r := a.env.Do(method, path, token, body, headers...)
	if err := validateContract(method, path, body, headers, r); err != nil {
		a.t.Errorf("%s %s → %d: response does not match the OpenAPI document: %v\n%s", method, path, r.Status, err, r.Body)
	}
	return r
}

// expect calls and fails unless the status is want; it returns the body.
func (a *peopleAPI) expect(want int, method, path, token string, body any, headers ...string) map[string]any {
	a.t.Helper()
	r := a.call(method, path, token, body, headers...)
	if r.Status != want {
		a.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, want, r.Body)
	}
	return r.JSON()
}

// peopleCase is one row of an endpoint's scenario table.
type peopleCase struct {
	name         string
	method, path string
	token        string
	body         any
	status       int
	want         []string // fragments the body must contain
	notWant      []string // fragments it must not
}

// run sends every case and checks its status and fragments.
func (a *peopleAPI) run(cases []peopleCase) {
	a.t.Helper()
	for _, c := range cases {
		r := a.call(c.method, c.path, c.token, c.body)
		if r.Status != c.status {
			a.t.Errorf("%s: %s %s: status %d, want %d: %s", c.name, c.method, c.path, r.Status, c.status, r.Body)
			continue
		}
		for _, w := range c.want {
			if !bytes.Contains(r.Body, []byte(w)) {
				a.t.Errorf("%s: body lacks %q: %s", c.name, w, r.Body)
			}
		}
		for _, w := range c.notWant {
			if bytes.Contains(r.Body, []byte(w)) {
				a.t.Errorf("%s: body has %q: %s", c.name, w, r.Body)
			}
		}
	}
}

var phoneSeq atomic.Int64

// newPhone returns a mainland mobile number no other test uses.
func newPhone() string { return fmt.Sprintf("137%08d", phoneSeq.Add(1)) }

// commissionerBody is a valid commissioner creation body homed at region.
func commissionerBody(name, region string) map[string]any {
	return map[string]any{"name": name, "phone": newPhone(), "password": "secret-pass-1", "level": "county",
		"organization": "浙江省农业科学院", "specialty": "茶叶", "batch": "第十四批",
		"term_start": "2024-01-01", "term_end": "2026-12-31", "region_code": region}
}

// createCommissioner creates a commissioner through the API and returns
// its id.
func (a *peopleAPI) createCommissioner(token, name, region string) string {
	a.t.Helper()
	return a.expect(http.StatusCreated, "POST", "/api/v1/commissioners", token, commissionerBody(name, region))["id"].(string)
}

// ids returns the ids of a list answer's items.
func peopleIDs(list map[string]any) []string {
	var out []string
	items, _ := list["items"].([]any)
	for _, it := range items {
		out = append(out, it.(map[string]any)["id"].(string))
	}
	return out
}

// sameSet reports whether got and want hold the same strings.
func peopleSameSet(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	seen := map[string]int{}
	for _, g := range got {
		seen[g]++
	}
	for _, w := range want {
		if seen[w]--; seen[w] < 0 {
			return false
		}
	}
	return true
}

var (
	contractOnce   sync.Once
	contractRouter routers.Router
	contractErr    error
)

// validateContract checks one exchange against the OpenAPI document: the
// route and status must be documented and the body must match.
func validateContract(method, path string, body any, headers []string, r *testenv.Resp) error {
	contractOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(openapi.JSON())
		if err == nil {
			err = doc.Validate(context.Background())
		}
		if err == nil {
			// Requests are matched by path whatever the host.
			doc.Servers = openapi3.Servers{{URL: "http://127.0.0.1"}}
			contractRouter, err = legacy.NewRouter(doc)
		}
		contractErr = err
	})
	if contractErr != nil {
		return contractErr
	}
	var rd io.Reader
	if s, ok := body.(string); ok {
		rd = strings.NewReader(s)
	} else if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, "http://127.0.0.1"+path, rd)
	if err != nil {
		return err
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	route, params, err := contractRouter.FindRoute(req)
	if err != nil {
		return fmt.Errorf("route: %w", err)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	return openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: r.Status, Header: r.Header,
		Body: io.NopCloser(bytes.NewReader(r.Body)), Options: &openapi3filter.Options{IncludeResponseStatus: true},
	})
}
