// Package openapi holds tepai's OpenAPI 3 document: a base file and one
// fragment per resource under paths/, merged at start and served as JSON.
package openapi

import (
	"embed"
	"encoding/json"
	"fmt"
	"html"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

//go:embed openapi.yaml paths/*.yaml
var files embed.FS

var (
	once    sync.Once
	doc     map[string]any
	docJSON []byte
)

// JSON returns the merged document as JSON.
func JSON() []byte {
	load()
	return docJSON
}

// Document returns the merged document as a generic map.
func Document() map[string]any {
	load()
	return doc
}

func load() {
	once.Do(func() {
		d, err := merge()
		if err != nil {
			panic(fmt.Sprintf("openapi: %v", err))
		}
		addForbidden(d)
		doc = d
		docJSON, err = json.MarshalIndent(d, "", "  ")
		if err != nil {
			panic(fmt.Sprintf("openapi: %v", err))
		}
	})
}

// merge reads openapi.yaml and adds each fragment's paths, components and
// tags to it; a path or component defined twice is an error.
func merge() (map[string]any, error) {
	base, err := readYAML("openapi.yaml")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(files, "paths/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, name := range names {
		frag, err := readYAML(name)
		if err != nil {
			return nil, err
		}
		if err := mergeMap(base, "paths", frag["paths"], name); err != nil {
			return nil, err
		}
		if comps, ok := frag["components"].(map[string]any); ok {
			baseComps := ensureMap(base, "components")
			for kind, v := range comps {
				if err := mergeMap(baseComps, kind, v, name); err != nil {
					return nil, err
				}
			}
		}
		if tags, ok := frag["tags"].([]any); ok {
			existing, _ := base["tags"].([]any)
			base["tags"] = append(existing, tags...)
		}
	}
	return base, nil
}

func readYAML(name string) (map[string]any, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := yaml.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}

func ensureMap(m map[string]any, key string) map[string]any {
	if v, ok := m[key].(map[string]any); ok {
		return v
	}
	v := map[string]any{}
	m[key] = v
	return v
}

func mergeMap(dst map[string]any, key string, src any, from string) error {
	sm, ok := src.(map[string]any)
	if !ok {
		return nil
	}
	dm := ensureMap(dst, key)
	for k, v := range sm {
		if _, dup := dm[k]; dup {
			return fmt.Errorf("%s: %s %q is defined twice", from, key, k)
		}
		dm[k] = v
	}
	return nil
}

// DocsHTML renders a plain, self-contained page listing every operation
// with its summary and description, for people reading the API.
func DocsHTML() string {
	d := Document()
	var b strings.Builder
	info, _ := d["info"].(map[string]any)
	title := fmt.Sprint(info["title"])
	b.WriteString("<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>" + html.EscapeString(title) + "</title>")
	b.WriteString("<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}code{background:#f4f4f4;padding:0 .3em}h3{margin-bottom:.2em}.m{font-weight:bold;text-transform:uppercase;margin-right:.5em}p{white-space:pre-wrap}</style></head><body>")
	b.WriteString("<h1>" + html.EscapeString(title) + "</h1>")
	if desc, ok := info["description"].(string); ok {
		b.WriteString("<p>" + html.EscapeString(desc) + "</p>")
	}
	b.WriteString("<p>Machine-readable document: <a href=\"/openapi.json\">/openapi.json</a></p>")
	paths, _ := d["paths"].(map[string]any)
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, p := range keys {
		ops, _ := paths[p].(map[string]any)
		for _, m := range []string{"get", "post", "put", "patch", "delete"} {
			op, ok := ops[m].(map[string]any)
			if !ok {
				continue
			}
			b.WriteString("<h3><span class=\"m\">" + m + "</span><code>" + html.EscapeString(p) + "</code></h3>")
			if s, ok := op["summary"].(string); ok {
				b.WriteString("<div>" + html.EscapeString(s) + "</div>")
			}
			if s, ok := op["description"].(string); ok {
				b.WriteString("<p>" + html.EscapeString(s) + "</p>")
			}
		}
	}
	b.WriteString("</body></html>")
	return b.String()
}
