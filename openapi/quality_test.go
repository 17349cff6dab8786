package openapi

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// methods are the operation keys of a path item.
var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// operationID is the shape client generators turn into good method names:
// a lower camelCase verb phrase.
var operationID = regexp.MustCompile(`^[a-z][a-zA-Z0-9]*$`)

// identifier is a name every client language takes as is.
var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// enumWord is an enum value a generator turns into a readable constant
// name (not Empty, N1 or Imagejpeg).
var enumWord = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// operations calls fn with every operation of doc.
func operations(doc map[string]any, fn func(where string, op map[string]any)) {
	paths, _ := doc["paths"].(map[string]any)
	for path, item := range paths {
		item, _ := item.(map[string]any)
		for _, m := range methods {
			if op, ok := item[m].(map[string]any); ok {
				fn(strings.ToUpper(m)+" "+path, op)
			}
		}
	}
}

// TestOperationIDs fails when an operation lacks an operationId, has one
// that is not lower camelCase, or shares one with another operation.
func TestOperationIDs(t *testing.T) {
	seen := map[string]string{}
	n := 0
	operations(Document(), func(where string, op map[string]any) {
		n++
		id, _ := op["operationId"].(string)
		switch {
		case id == "":
			t.Errorf("%s has no operationId", where)
		case !operationID.MatchString(id):
			t.Errorf("%s: operationId %q is not lower camelCase", where, id)
		case seen[id] != "":
			t.Errorf("%s and %s share the operationId %q", seen[id], where, id)
		default:
			seen[id] = where
		}
	})
	if n < 90 {
		t.Fatalf("only %d operations found", n)
	}
}

// TestRequestBodyExamples fails when a request body has no example to
// show in the reference and to try.
func TestRequestBodyExamples(t *testing.T) {
	operations(Document(), func(where string, op map[string]any) {
		rb, ok := op["requestBody"].(map[string]any)
		if !ok {
			return
		}
		content, _ := rb["content"].(map[string]any)
		for mt, v := range content {
			media, _ := v.(map[string]any)
			if _, ok := media["examples"]; !ok {
				t.Errorf("%s: request body %s has no examples", where, mt)
			}
		}
	})
}

// TestClientFriendlySchemas walks every schema of the document and fails
// on what makes generated clients break or read badly: a property name
// that is not an identifier without x-go-name, enum values that are not
// words without x-enum-varnames, and numbers without a format (float32 in
// Go loses a coordinate's sixth decimal).
func TestClientFriendlySchemas(t *testing.T) {
	var problems []string
	var walk func(where string, v any)
	walk = func(where string, v any) {
		switch v := v.(type) {
		case []any:
			for i, x := range v {
				walk(fmt.Sprintf("%s/%d", where, i), x)
			}
		case map[string]any:
			if problem := schemaProblem(v); problem != "" {
				problems = append(problems, where+": "+problem)
			}
			for k, x := range v {
				if k == "examples" || k == "example" {
					continue
				}
				walk(where+"/"+k, x)
			}
		}
	}
	walk("#", Document())
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

// schemaProblem says what is wrong with s when it is a schema a generator
// would trip on, or "".
func schemaProblem(s map[string]any) string {
	typ, _ := s["type"].(string)
	format, _ := s["format"].(string)
	switch {
	case typ == "number" && format != "double" && format != "float":
		return "number without format double"
	case typ == "integer" && format != "int32" && format != "int64":
		return "integer without format int32 or int64"
	}
	if props, ok := s["properties"].(map[string]any); ok && typ == "object" {
		for name, p := range props {
			p, _ := p.(map[string]any)
			if !identifier.MatchString(name) && p["x-go-name"] == nil {
				return fmt.Sprintf("property %q is not an identifier and has no x-go-name", name)
			}
		}
	}
	if enum, ok := s["enum"].([]any); ok && s["x-enum-varnames"] == nil {
		for _, e := range enum {
			if str, ok := e.(string); !ok || !enumWord.MatchString(str) {
				return fmt.Sprintf("enum value %v is not a word and the enum has no x-enum-varnames", e)
			}
		}
	}
	return ""
}
