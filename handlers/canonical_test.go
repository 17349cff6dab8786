package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
)

// canonicalByMaps is how canonical texts were made when the create hashes
// stored with records were written: the DTO through a map of decoded
// values and back. canonical must give the same text, byte for byte, or a
// phone's replay of a record stored before would no longer match it.
func canonicalByMaps(dto recordDTO) string {
	b, err := json.Marshal(dto)
	if err != nil {
		return ""
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if dec.Decode(&m) != nil {
		return ""
	}
	for k, v := range m {
		switch x := v.(type) {
		case nil:
			delete(m, k)
		case string:
			if x == "" {
				delete(m, k)
			}
		case []any:
			if len(x) == 0 {
				delete(m, k)
			}
		}
	}
	out, _ := json.Marshal(m)
	return string(out)
}

// canonicalValues are values of every JSON kind a record field may be
// sent as, with what canonical texts must keep exactly: escapes, numbers
// as written, nested objects with unsorted keys, empty values.
var canonicalValues = []string{
	`null`, `""`, `[]`, `{}`, `"x"`, `"<b>&amp;</b> \u2028 'q' \"é\" 村"`, `"\ud83c\udf3e"`,
	`0`, `-0`, `1e3`, `12.50`, `3.141592653589793238`, `-7`, `true`, `false`,
	`["b","a",""]`, `[1,2.0,-3e-2]`, `[null]`, `[{"z":1,"a":[{"y":null,"b":""}]}]`,
	`{"type":"Polygon","coordinates":[[[119.1,29.2],[119.2,29.2],[119.2,29.3],[119.1,29.2]]]}`,
	`{"z":"<","a":{"d":1,"c":[]}}`, `"2026-03-04T05:06:07.891+08:00"`, `"2026-13-45"`,
	"\"<a>&\"", "\"line\u2028sep\"", "\"bad \xff byte\"", `"\/\t\u00e9"`,
}

// canonicalBodies makes record bodies for sp: each field of its DTO with
// each value, beside every other field with a value that rotates.
func canonicalBodies(t testing.TB, sp *spec) [][]byte {
	zero, err := json.Marshal(sp.newDTO())
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(zero, &fields); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(fields)+1)
	for k := range fields {
		keys = append(keys, k)
	}
	keys = append(keys, "not_a_field")
	slices.Sort(keys)
	var bodies [][]byte
	for i, k := range keys {
		for j, v := range canonicalValues {
			body := map[string]json.RawMessage{k: json.RawMessage(v)}
			for n, other := range keys {
				if other != k {
					body[other] = json.RawMessage(canonicalValues[(i+j+n)%len(canonicalValues)])
				}
			}
			b, _ := json.Marshal(body)
			bodies = append(bodies, b, []byte(fmt.Sprintf(`{%q:%s}`, k, v)))
		}
	}
	return bodies
}

func checkCanonical(t *testing.T, sp *spec, body []byte) bool {
	dto := sp.newDTO()
	if json.Unmarshal(body, dto) != nil {
		return false
	}
	if got, want := canonical(dto), canonicalByMaps(dto); got != want {
		t.Fatalf("%s %s:\ncanonical %s\nwant      %s", sp.typ, body, got, want)
	}
	return true
}

func TestCanonicalKeepsStoredHashes(t *testing.T) {
	for _, sp := range allSpecs() {
		decoded := 0
		for _, body := range canonicalBodies(t, sp) {
			if checkCanonical(t, sp, body) {
				decoded++
			}
		}
		if decoded < 20 {
			t.Errorf("%s: only %d bodies decoded; the comparison covers too little", sp.typ, decoded)
		}
	}
	// A visit as the phone app sends it, and the hash a server stored for
	// it (worked out by hand from the canonical text below, with sha256sum).
	dto := &visitDTO{}
	body := `{"village_code":"330824115200","started_at":"2026-05-01T08:00:00+08:00","ended_at":"2026-05-01T09:30:00+08:00",` +
		`"category":"技术指导","crops":["水稻"],"problem":"","notes":null,"farmers_served":3,"lat":29.1,"lng":118.2}`
	if err := json.Unmarshal([]byte(body), dto); err != nil {
		t.Fatal(err)
	}
	text := canonical(dto)
	sum := sha256.Sum256([]byte("visit\n" + text))
	if got := createHash("visit", dto); got != hex.EncodeToString(sum[:]) {
		t.Fatalf("createHash %s, want the sha256 of %q", got, text)
	}
	t.Logf("canonical visit: %s", text)
}

func FuzzCanonical(f *testing.F) {
	specs := allSpecs()
	for _, b := range canonicalBodies(f, specs[0])[:40] {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, sp := range specs {
			checkCanonical(t, sp, body)
		}
	})
}

// BenchmarkCanonicalVisit is the canonical text of a visit as the phone
// app sends it, which every create of a record computes for its hash.
func BenchmarkCanonicalVisit(b *testing.B) {
	body := `{"id":"0b7e4a3c-1f0e-4c1a-9d1e-6a9f1e2b3c4d","village_code":"330824115200","started_at":"2026-05-01T08:00:00+08:00",` +
		`"ended_at":"2026-05-01T09:30:00+08:00","lat":29.13,"lng":118.41,"accuracy_m":12.5,"category":"病虫害防治","crops":["茶叶"],` +
		`"problem":"茶小绿叶蝉","advice":"黄板诱杀","farmers_served":6,"leaflets":20,"technologies":["绿色防控"],"varieties":["龙井43"]}`
	dto := &visitDTO{}
	if err := json.Unmarshal([]byte(body), dto); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		canonical(dto)
	}
}
