package openapi

// addForbidden documents 403 on every operation that needs a bearer token
// (every operation without "security: []"): a login signed in with a
// temporary password after a reset may only read GET /api/v1/me and call
// POST /api/v1/me/password, and answers 403 everywhere else until the
// password is changed.
func addForbidden(d map[string]any) {
	paths, _ := d["paths"].(map[string]any)
	for _, item := range paths {
		ops, _ := item.(map[string]any)
		for method, op := range ops {
			o, ok := op.(map[string]any)
			if !ok || method == "parameters" {
				continue
			}
			if sec, ok := o["security"].([]any); ok && len(sec) == 0 {
				continue
			}
			responses := ensureMap(o, "responses")
			if _, ok := responses["403"]; !ok {
				responses["403"] = map[string]any{"$ref": "#/components/responses/Forbidden"}
			}
		}
	}
}
