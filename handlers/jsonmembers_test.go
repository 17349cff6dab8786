package handlers

import (
	"bytes"
	"encoding/json"
	"testing"
)

// membersOf collects what eachMember reports, the last of repeated names
// kept, as a map json.Unmarshal would fill.
func membersOf(data []byte) (map[string]json.RawMessage, bool) {
	m := map[string]json.RawMessage{}
	ok := eachMember(data, func(name string, val []byte) { m[name] = val })
	return m, ok
}

// eachMember reads a valid JSON object as json.Unmarshal reads it into a
// map of raw values: the same names, the last of repeated names, the same
// value text; it reports false for any other valid JSON, and never reads
// past what it is given.
func FuzzEachMember(f *testing.F) {
	for _, s := range []string{
		`{}`, ` { } `, `{"a":1}`, `{"a" : 1 , "b":[1,{"c":"]}"}], "d":{"e":[]}}`,
		`{"type":"visit","op":"upsert","record":{"id":"x","village_code":"330824115200"},"base_version":0}`,
		`{"a":1,"a":2}`, `{"\u0061":1,"a":2}`, `{"a\"b":"c\\"}`, `{"村":"华埠镇"}`, "{\n\t\"a\"\r:\n-1.5e3\t}",
		`{"a":null,"b":true,"c":false,"d":""}`, `[1,2]`, `"x"`, `3`, `null`, `{"a":1`, `{"a"}`, `{`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := membersOf(data) // must not panic, valid or not
		if !json.Valid(data) {
			return
		}
		var want map[string]json.RawMessage
		if json.Unmarshal(data, &want) != nil || want == nil {
			if ok {
				t.Fatalf("%q is no object, yet eachMember read it as one: %v", data, got)
			}
			return
		}
		if !ok {
			t.Fatalf("eachMember did not read the object %q", data)
		}
		if len(got) != len(want) {
			t.Fatalf("%q: names %v, want %v", data, got, want)
		}
		for k, v := range want {
			if g, found := got[k]; !found || !bytes.Equal(g, v) {
				t.Fatalf("%q: member %q is %q (found %v), want %q", data, k, g, found, v)
			}
		}
	})
}
