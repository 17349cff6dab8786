package handlers_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strconv"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// invisibles are names that look like 王强 but are not: a zero-width
// space, a zero-width joiner, a right-to-left override, a soft hyphen, a
// byte order mark, a bell and a line separator inside.
var invisibles = []string{"王\u200b强", "王\u200d强", "\u202e强王", "王\u00ad强", "\ufeff王强", "王\a强", "王\u2028强"}

// TestNamesRefuseInvisibleCharacters: names of people, teams and places,
// and short labels, refuse control and format characters with a 422 on
// the field and store nothing; they are stored in normal form C.
func TestNamesRefuseInvisibleCharacters(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		admin := env.Admin()
		bureau := env.NewUser("bureau", "330824")
		me := env.NewUser("commissioner", "330824")
		phone := 13900000100
		next := func() string { phone++; return strconv.Itoa(phone) }
		for _, name := range invisibles {
			cases := []struct {
				what, path, token, field string
				body                     map[string]any
			}{
				{"user", "/api/v1/users", admin, "name", map[string]any{"phone": next(), "password": "secret-pass", "name": name, "role": "township", "region_code": "330824115"}},
				{"commissioner", "/api/v1/commissioners", bureau.Token, "name", map[string]any{"phone": next(), "password": "secret-pass", "name": name, "level": "county", "region_code": "330824"}},
				{"commissioner's organisation", "/api/v1/commissioners", bureau.Token, "organization", map[string]any{"phone": next(), "password": "secret-pass", "name": "王强", "organization": name, "level": "county", "region_code": "330824"}},
				{"team", "/api/v1/teams", bureau.Token, "name", map[string]any{"name": name, "region_code": "330824", "chief_ids": []string{me.Commissioner.ID}}},
				{"household head", "/api/v1/households", me.Token, "head_name", householdBody(huashan, name)},
				{"plot", "/api/v1/plots", me.Token, "name", with(plotBody(huashan), map[string]any{"name": name})},
				{"visit crop", "/api/v1/visits", me.Token, "crops", with(visitBody(huashan, 1), map[string]any{"crops": []string{name}})},
			}
			for _, c := range cases {
				r := env.Do("POST", c.path, c.token, c.body)
				if r.Status != 422 || !slices.Contains(detailFields(r), c.field) {
					t.Errorf("%s %q: %d %s", c.what, name, r.Status, r.Body)
				}
			}
		}
		var n int64
		env.DB().Table("households").Count(&n)
		if n != 0 {
			t.Fatalf("households stored: %d", n)
		}
		// A decomposed é is stored composed: one person, not two.
		r := env.Do("POST", "/api/v1/households", me.Token, householdBody(huashan, "  Jose\u0301 "))
		mustStatus(t, r, 201, "household")
		if got := r.JSON()["head_name"]; got != "Jos\u00e9" {
			t.Fatalf("head_name stored as %q", got)
		}
		// Free text keeps its lines and emoji, and refuses a bidi override.
		v := with(visitBody(huashan, 1), map[string]any{"notes": "第一行\n第二行 \U0001F468\u200d\U0001F33E"})
		r = env.Do("POST", "/api/v1/visits", me.Token, v)
		mustStatus(t, r, 201, "visit with notes")
		if got := r.JSON()["notes"]; got != "第一行\n第二行 \U0001F468\u200d\U0001F33E" {
			t.Fatalf("notes stored as %q", got)
		}
		r = env.Do("POST", "/api/v1/visits", me.Token, with(visitBody(huashan, 1), map[string]any{"advice": "用药\u202e001"}))
		if r.Status != 422 || !slices.Contains(detailFields(r), "advice") {
			t.Fatalf("advice with an override: %d %s", r.Status, r.Body)
		}
	})
}

// TestCSVFormulaGuard: text a spreadsheet may read as a formula, also
// behind a full-width or small = + - @, leaves a CSV export with an
// apostrophe before it.
func TestCSVFormulaGuard(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		me := env.NewUser("commissioner", "330824")
		bureau := env.NewUser("bureau", "330824")
		leads := []string{"=", "+", "-", "@", "＝", "＋", "－", "＠", "﹦", "−"}
		want := map[string]bool{}
		for _, lead := range leads {
			problem := lead + `HYPERLINK("http://example.invalid","点此")`
			mustStatus(t, env.Do("POST", "/api/v1/visits", me.Token, with(visitBody(huashan, 1), map[string]any{"problem": problem})), 201, "visit")
			want["'"+problem] = true
		}
		r := env.Do("GET", "/api/v1/visits?format=csv", bureau.Token, nil)
		mustStatus(t, r, 200, "export")
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col := slices.Index(rows[0], "发现问题")
		for _, row := range rows[1:] {
			if !want[row[col]] {
				t.Errorf("problem exported as %q", row[col])
			}
			delete(want, row[col])
		}
		if len(want) != 0 {
			t.Errorf("not exported: %v", want)
		}
	})
}
