package handlers_test

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/openapi"
)

// checkContract validates every statistics response the test receives
// against the OpenAPI document: the status is documented, the content type
// too, and a JSON body matches its schema.
func checkContract(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(openapi.JSON())
	if err != nil {
		t.Fatalf("load openapi: %v", err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatalf("openapi document: %v", err)
	}
	var mu sync.Mutex
	var problems []string
	seen := 0
	remove := testenv.AddObserver(func(req *http.Request, res *http.Response, body []byte) {
		if !strings.HasPrefix(req.URL.Path, "/api/v1/stats/") || res.StatusCode == http.StatusUnauthorized {
			return
		}
		err := validate(doc, req, res, body)
		mu.Lock()
		defer mu.Unlock()
		seen++
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s %d: %v", req.URL, res.StatusCode, err))
		}
	})
	t.Cleanup(func() {
		remove()
		if seen == 0 {
			t.Error("no statistics response was validated")
		}
		for _, p := range problems {
			t.Error(p)
		}
	})
}

func validate(doc *openapi3.T, req *http.Request, res *http.Response, body []byte) error {
	item := doc.Paths.Find(req.URL.Path)
	if item == nil || item.Get == nil {
		return fmt.Errorf("path not documented")
	}
	ref := item.Get.Responses.Value(strconv.Itoa(res.StatusCode))
	if ref == nil || ref.Value == nil {
		return fmt.Errorf("status not documented")
	}
	ct, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	media := ref.Value.Content.Get(ct)
	if media == nil {
		return fmt.Errorf("content type %q not documented", ct)
	}
	if ct != "application/json" {
		return nil
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return err
	}
	return media.Schema.Value.VisitJSON(v, openapi3.MultiErrors())
}
