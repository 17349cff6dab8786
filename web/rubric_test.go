package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
	"github.com/tepai/tepai/models"
)

var inputField = regexp.MustCompile(`<input name="([^"]+)"[^>]*value="([^"]*)"|<input type="hidden" name="(key)" value="([^"]*)"`)

// formOf reads the named inputs of a page into form values.
func formOf(body string) url.Values {
	v := url.Values{}
	for _, m := range inputField.FindAllStringSubmatch(body, -1) {
		if m[1] != "" {
			v.Add(m[1], m[2])
		} else {
			v.Add(m[3], m[4])
		}
	}
	return v
}

// TestRubricEdit edits the county's 2025 rubric in the console: weights
// that no longer sum to 100 are refused with the API's message and
// nothing is stored; a target of 3 visit days instead of 60 is stored and
// the API answers it. A township user may not open the form.
func TestRubricEdit(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		bureau := env.NewUser(models.RoleBureau, county)
		c := newClient(t, env)
		c.signIn(bureau.User.Phone, bureau.Password)
		form := "/evaluations/2025/rubric?region=330824"
		r := c.get(form)
		if r.Status != http.StatusOK {
			t.Fatalf("rubric form: %d", r.Status)
		}
		vals := formOf(r.Body)
		if vals.Get("target_visit_days") != "60" || vals.Get("grade_优秀") != "90" {
			t.Fatalf("the form does not show the default rubric: %v", vals)
		}
		bad := url.Values{}
		for k, v := range vals {
			bad[k] = v
		}
		bad.Set("weight_visit_days", "99")
		if r := c.post(form, form, bad); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="rubric-error"`) {
			t.Fatalf("weights over 100: %d", r.Status)
		}
		var info struct {
			IsDefault  bool `json:"is_default"`
			Indicators []struct {
				Key    string  `json:"key"`
				Target float64 `json:"target"`
			} `json:"indicators"`
		}
		env.Do(http.MethodGet, "/api/v1/evaluations/2025/rubric?region=330824", bureau.Token, nil).Decode(t, &info)
		if !info.IsDefault {
			t.Fatal("a refused rubric was stored")
		}
		vals.Set("target_visit_days", "3")
		if r := c.post(form, form, vals); r.Status != http.StatusOK || !strings.HasPrefix(r.URL, "/evaluations/2025?region=330824") {
			t.Fatalf("save: %d at %s: %s", r.Status, r.URL, regexp.MustCompile(`id="rubric-error">[^<]*`).FindString(r.Body))
		}
		env.Do(http.MethodGet, "/api/v1/evaluations/2025/rubric?region=330824", bureau.Token, nil).Decode(t, &info)
		if info.IsDefault || info.Indicators[0].Key != "visit_days" || info.Indicators[0].Target != 3 {
			t.Errorf("stored rubric: %+v", info)
		}
		tw := newClient(t, env)
		p := env.NewUser(models.RoleTownship, zhongcun)
		tw.signIn(p.User.Phone, p.Password)
		if r := tw.get("/evaluations/2025/rubric?region=330824202"); r.Status != http.StatusForbidden {
			t.Errorf("township rubric form: %d", r.Status)
		}
	})
}
