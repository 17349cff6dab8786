// Package openapi holds tepai's OpenAPI 3 document: a base file and one
// fragment per resource under paths/, merged at start and served as JSON.
package openapi

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
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
