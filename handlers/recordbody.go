package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/models"
)

// Instant is a time in a record body. RFC 3339 text is parsed (to UTC, to
// the millisecond, as the database keeps it); anything else is kept as sent
// and marked bad, so that validation names the field instead of failing
// the whole body.
type Instant struct {
	T   time.Time
	Raw string
	Bad bool
}

// UnmarshalJSON reads an RFC 3339 string; null leaves the Instant empty.
func (i *Instant) UnmarshalJSON(b []byte) error {
	*i = Instant{}
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		i.Raw, i.Bad = string(b), true
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Year() < 1 || t.Year() > 9999 {
		i.Raw, i.Bad = s, true
		return nil
	}
	i.T = t.UTC().Truncate(time.Millisecond)
	return nil
}

// MarshalJSON writes the time in UTC, or the text as sent when it is bad.
func (i Instant) MarshalJSON() ([]byte, error) {
	switch {
	case i.Bad:
		return json.Marshal(i.Raw)
	case i.T.IsZero():
		return []byte("null"), nil
	}
	return json.Marshal(i.T.Format(time.RFC3339Nano))
}

// Set reports whether a time was given (well formed or not).
func (i Instant) Set() bool { return i.Bad || !i.T.IsZero() }

// bodyNotObject is the error for a record body that is not a JSON object.
func bodyNotObject() *apierr.Error {
	return apierr.BadRequest("记录须为 JSON 对象", "the record must be a JSON object")
}

// decodeRecord decodes a JSON object body onto dto, overwriting only the
// fields the body names; unknown fields are ignored. A body that is not a
// JSON object is a 400; a value of the wrong type is returned as a detail
// naming the field (every such field), for validation to report with the
// rest.
func decodeRecord(sp *spec, body []byte, dto recordDTO) (apierr.Fields, *apierr.Error) {
	// A body that decodes onto dto and starts with "{" is a JSON object:
	// the common case takes one decoding, and the rest are examined.
	if b := bytes.TrimLeft(body, " \t\r\n"); len(b) > 0 && b[0] == '{' && json.Unmarshal(body, dto) == nil {
		return nil, nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		if se := syntaxError(body); se != nil {
			return nil, se
		}
		return nil, bodyNotObject()
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var bad apierr.Fields
	for _, k := range keys {
		one, _ := json.Marshal(map[string]json.RawMessage{k: fields[k]})
		var typeErr *json.UnmarshalTypeError
		if err := json.Unmarshal(one, sp.newDTO()); errors.As(err, &typeErr) {
			bad.Add(k, "类型错误，应为 "+jsonKind(typeErr), "wrong type, expected "+jsonKind(typeErr))
		}
	}
	if len(bad) == 0 {
		bad.Add("", "类型错误", "wrong type")
	}
	return bad, nil
}

// jsonKind names the JSON kind a Go type expects.
func jsonKind(e *json.UnmarshalTypeError) string {
	switch e.Type.Kind().String() {
	case "string":
		return "string"
	case "slice", "array":
		return "array"
	case "int", "int64", "int32", "uint", "uint64":
		return "integer"
	case "float64", "float32":
		return "number"
	case "bool":
		return "boolean"
	}
	return "object"
}

// loadDTO fills dto from a stored record through the record's JSON, so that
// nothing the DTO holds aliases the record.
func loadDTO(dto recordDTO, m models.Record) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, dto)
}

// canonical returns the DTO as JSON with sorted keys and without null,
// empty-string or empty-array values, so that equal content gives equal
// text however the client spelled it. The text is json.Marshal's of the
// fields as a map (TestCanonicalKeepsStoredHashes), written here from the
// sorted fields: the values are json.Marshal's already.
func canonical(dto recordDTO) string {
	b, err := json.Marshal(dto)
	if err != nil {
		return ""
	}
	type member struct {
		name string
		val  []byte
	}
	members := make([]member, 0, 32)
	isObject := eachMember(b, func(name string, v []byte) {
		switch {
		case string(v) == "null" || string(v) == `""` || string(v) == "[]":
			return
		case v[0] == '{' || v[0] == '[' && bytes.IndexByte(v, '{') >= 0 || bytes.IndexByte(v, '\\') >= 0 || !utf8.Valid(v):
			// Objects within are written with their keys sorted, and
			// strings as json.Marshal writes them (a field the DTO keeps
			// as raw JSON keeps the escapes the client sent). An array of
			// no object and no escape is as json.Marshal writes it.
			v = sortedKeys(v)
		}
		members = append(members, member{name, v})
	})
	if !isObject {
		return ""
	}
	// json.Marshal writes no name twice, so that sorting is all a map
	// did.
	slices.SortFunc(members, func(a, b member) int { return strings.Compare(a.name, b.name) })
	out := make([]byte, 0, len(b))
	out = append(out, '{')
	for i, m := range members {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(appendKey(out, m.name), ':')
		out = append(out, m.val...)
	}
	return string(append(out, '}'))
}

// appendKey appends the JSON string of a field name k: quoted as it is
// when it is plain (letters, digits, '_'), as every field's is, else as
// json.Marshal writes it.
func appendKey(out []byte, k string) []byte {
	for _, c := range []byte(k) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			q, _ := json.Marshal(k)
			return append(out, q...)
		}
	}
	return append(append(append(out, '"'), k...), '"')
}

// sortedKeys writes the JSON value v with the keys of every object in it
// sorted, numbers as they are written.
func sortedKeys(v json.RawMessage) json.RawMessage {
	var x any
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	if dec.Decode(&x) != nil {
		return v
	}
	out, err := json.Marshal(x)
	if err != nil {
		return v
	}
	return out
}

// createHash is the hash of a canonical create body of type typ.
func createHash(typ string, dto recordDTO) string {
	sum := sha256.Sum256([]byte(typ + "\n" + canonical(dto)))
	return hex.EncodeToString(sum[:])
}
