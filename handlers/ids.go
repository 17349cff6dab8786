package handlers

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
)

// Record ids are UUIDs, accepted in any letter case (iOS writes them in
// upper case) and stored and answered in lower case, so that a replay in
// another case names the same record.

// NormalizeID returns an id as tepai stores it: lower case.
func NormalizeID(id string) string { return strings.ToLower(id) }

// isUUID reports whether id, already normalised, is a UUID in its
// canonical 36-character form.
func isUUID(id string) bool {
	u, err := uuid.Parse(id)
	return err == nil && u.String() == id
}

// isIDKey reports whether a JSON key or query parameter names record ids:
// id, *_id, *_ids and claimed_by (device and request ids are the client's
// own strings, not record ids).
func isIDKey(k string) bool {
	switch k {
	case "device_id", "request_id":
		return false
	case "id", "claimed_by":
		return true
	}
	return strings.HasSuffix(k, "_id") || strings.HasSuffix(k, "_ids")
}

// upperUUID reports whether s is a UUID written with some upper case.
func upperUUID(s string) bool {
	return len(s) == 36 && strings.ToLower(s) != s && isUUID(strings.ToLower(s))
}

// normalizeBodyIDs lowers, in place, the UUIDs a JSON body gives as ids
// (values of the keys isIDKey accepts, in arrays too, at any depth). Only
// ASCII letters change, so every byte offset stays the same; a body that
// is not well-formed is left for the decoder to report.
func normalizeBodyIDs(body []byte) {
	if !bytes.ContainsAny(body, "ABCDEF") {
		return
	}
	type frame struct {
		obj, wantKey bool
		key          string
	}
	var stack []frame
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		var top *frame
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
		}
		if s, ok := tok.(string); ok && top != nil && top.obj && top.wantKey {
			top.key, top.wantKey = s, false
			continue
		}
		key := ""
		if top != nil {
			key = top.key
			if top.obj {
				top.wantKey = true
			}
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				stack = append(stack, frame{obj: true, wantKey: true})
			case '[':
				stack = append(stack, frame{key: key})
			default:
				stack = stack[:len(stack)-1]
			}
		case string:
			end := int(dec.InputOffset())
			if isIDKey(key) && upperUUID(v) && end >= 38 && string(body[end-37:end-1]) == v {
				lowerASCII(body[end-37 : end-1])
			}
		}
	}
}

// lowerASCII lowers the ASCII letters of b in place.
func lowerASCII(b []byte) {
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
}

// NormalizeIDParams lowers the UUIDs of the path parameters and query
// parameters that name record ids, before the handler reads them.
func NormalizeIDParams(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		vals := c.ParamValues()
		for i, name := range c.ParamNames() {
			if i < len(vals) && isIDKey(name) && upperUUID(vals[i]) {
				vals[i] = strings.ToLower(vals[i])
			}
		}
		c.SetParamValues(vals...)
		u := c.Request().URL
		if !strings.ContainsAny(u.RawQuery, "ABCDEF") {
			return next(c)
		}
		q, changed := u.Query(), false
		for k, vs := range q {
			for i, v := range vs {
				if isIDKey(k) && upperUUID(v) {
					vs[i], changed = strings.ToLower(v), true
				}
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
		return next(c)
	}
}
