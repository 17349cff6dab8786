package testenv

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/tepai/tepai/openapi"
)

// contract is the OpenAPI document as a router, loaded and checked once.
var contract = sync.OnceValues(func() (routers.Router, error) {
	doc, err := openapi3.NewLoader().LoadFromData(openapi.JSON())
	if err != nil {
		return nil, fmt.Errorf("load openapi document: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi document: %w", err)
	}
	doc.Servers = nil // match any host: test servers listen on random ports
	return gorillamux.NewRouter(doc)
})

// ValidateExchange checks one exchange against the OpenAPI document. An
// operation the document does not have (no such path or method) is not
// checked; for one it has, the status must be documented and a JSON body
// must match its schema (error bodies the Error schema), a body of another
// type must be of a documented media type.
func ValidateExchange(req *http.Request, res *http.Response, body []byte) error {
	router, err := contract()
	if err != nil {
		return err
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		return nil
	}
	if res.Header.Get("Content-Encoding") == "gzip" {
		if body, err = gunzip(body); err != nil {
			return fmt.Errorf("%s %s -> %d: gzip body: %w", req.Method, route.Path, res.StatusCode, err)
		}
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	mediaType, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	isJSON := mediaType == "application/json" || strings.HasSuffix(mediaType, "+json")
	if !isJSON && len(body) > 0 {
		opts.ExcludeResponseBody = true
		if err := documentedMediaType(route, res.StatusCode, mediaType); err != nil {
			return fmt.Errorf("%s %s -> %d: %w", req.Method, route.Path, res.StatusCode, err)
		}
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts},
		Status:                 res.StatusCode, Header: res.Header, Body: io.NopCloser(bytes.NewReader(body)), Options: opts,
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("%s %s -> %d does not match the OpenAPI document: %w\nbody: %s",
			req.Method, route.Path, res.StatusCode, err, truncate(body, 800))
	}
	return nil
}

// documentedMediaType checks that the operation documents mediaType for
// status (a status it does not document is left to ValidateResponse).
func documentedMediaType(route *routers.Route, status int, mediaType string) error {
	ref := route.Operation.Responses.Status(status)
	if ref == nil {
		ref = route.Operation.Responses.Default()
	}
	if ref == nil || ref.Value == nil || ref.Value.Content.Get(mediaType) != nil {
		return nil
	}
	return fmt.Errorf("Content-Type %q is not documented for this status", mediaType)
}

// checkContract fails the test when a response of a documented operation
// does not match the OpenAPI document.
func (e *Env) checkContract(req *http.Request, res *http.Response, body []byte) {
	e.T.Helper()
	if err := ValidateExchange(req, res, body); err != nil {
		e.T.Errorf("OpenAPI contract: %v", err)
	}
}

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
