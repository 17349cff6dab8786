package handlers_test

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

type region struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Level      string `json:"level"`
	ParentCode string `json:"parent_code"`
	Rural      bool   `json:"rural"`
}

type regionPage struct {
	Items      []region `json:"items"`
	NextCursor string   `json:"next_cursor"`
}

func TestRegionGet(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		commissioner := env.NewUser("commissioner", "330824106200").Token
		otherBureau := env.NewUser("bureau", "330802").Token // 柯城区: regions are not scoped
		cases := []struct {
			name, token, code string
			status            int
			want              region
		}{
			{"no token", "", "330824", http.StatusUnauthorized, region{}},
			{"county", commissioner, "330824", http.StatusOK, region{"330824", "开化县", "county", "3308", false}},
			{"province", otherBureau, "33", http.StatusOK, region{"33", "浙江省", "province", "", false}},
			{"city", otherBureau, "3308", http.StatusOK, region{"3308", "衢州市", "city", "33", false}},
			{"township", otherBureau, "330824106", http.StatusOK, region{"330824106", "桐村镇", "township", "330824", false}},
			{"rural village", commissioner, "330824106200", http.StatusOK, region{"330824106200", "华山村委会", "village", "330824106", true}},
			{"urban community", commissioner, "330824115001", http.StatusOK, region{"330824115001", "枫树底社区", "village", "330824115", false}},
			{"unknown county", commissioner, "330899", http.StatusNotFound, region{}},
			{"unknown village", commissioner, "330824106999", http.StatusNotFound, region{}},
			{"five digits", commissioner, "33082", http.StatusBadRequest, region{}},
			{"thirteen digits", commissioner, "3308241062001", http.StatusBadRequest, region{}},
			{"not digits", commissioner, "33082x", http.StatusBadRequest, region{}},
		}
		for _, tc := range cases {
			r := env.Do("GET", "/api/v1/regions/"+tc.code, tc.token, nil)
			if r.Status != tc.status {
				t.Errorf("%s: status %d, want %d: %s", tc.name, r.Status, tc.status, r.Body)
				continue
			}
			if tc.status != http.StatusOK {
				if want := map[int]string{400: "bad_request", 401: "unauthorized", 404: "not_found"}[tc.status]; r.ErrorCode() != want {
					t.Errorf("%s: error code %q, want %q", tc.name, r.ErrorCode(), want)
				}
				continue
			}
			var got region
			r.Decode(t, &got)
			if got != tc.want {
				t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
			}
		}
	})
}

func TestRegionChildren(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, env *testenv.Env) {
		tk := env.NewUser("township", "330824106").Token
		var county regionPage
		env.Do("GET", "/api/v1/regions/330824/children", tk, nil).Decode(t, &county)
		if len(county.Items) != 14 || county.NextCursor != "" {
			t.Fatalf("Kaihua has 14 townships on one page, got %d (cursor %q)", len(county.Items), county.NextCursor)
		}
		if first, last := county.Items[0], county.Items[13]; first.Code != "330824106" || first.Name != "桐村镇" || last.Code != "330824218" || last.Name != "大溪边乡" {
			t.Fatalf("townships not in code order: first %+v, last %+v", first, last)
		}

		// 桐村镇 has nine villages; pages of four are 4, 4 and 1.
		want := [][]string{
			{"330824106200", "330824106207", "330824106216", "330824106220"},
			{"330824106221", "330824106222", "330824106223", "330824106224"},
			{"330824106225"},
		}
		cursor := ""
		for i, codes := range want {
			var page regionPage
			r := env.Do("GET", "/api/v1/regions/330824106/children?limit=4&cursor="+cursor, tk, nil)
			r.Decode(t, &page)
			var got []string
			for _, it := range page.Items {
				if it.Level != "village" || it.ParentCode != "330824106" || !it.Rural {
					t.Errorf("page %d: %+v is not a rural village of 桐村镇", i, it)
				}
				got = append(got, it.Code)
			}
			if !reflect.DeepEqual(got, codes) {
				t.Fatalf("page %d: %v, want %v", i, got, codes)
			}
			if last := i == len(want)-1; last != (page.NextCursor == "") {
				t.Fatalf("page %d: next_cursor %q", i, page.NextCursor)
			}
			cursor = page.NextCursor
		}

		r := env.Do("GET", "/api/v1/regions/330824106200/children", tk, nil)
		if r.Status != http.StatusOK || string(r.Body) != `{"items":[]}`+"\n" {
			t.Errorf("a village's children: %d %s", r.Status, r.Body)
		}
		for _, tc := range []struct {
			path, token string
			status      int
		}{
			{"/api/v1/regions/330824/children", "", http.StatusUnauthorized},
			{"/api/v1/regions/330899/children", tk, http.StatusNotFound},
			{"/api/v1/regions/3308241/children", tk, http.StatusBadRequest},
			{"/api/v1/regions/330824/children?limit=0", tk, http.StatusBadRequest},
			{"/api/v1/regions/330824/children?limit=501", tk, http.StatusBadRequest},
			{"/api/v1/regions/330824/children?cursor=%21%21", tk, http.StatusBadRequest},
			{"/api/v1/regions/330824/children?cursor=YWJj", tk, http.StatusBadRequest}, // "abc"
		} {
			if r := env.Do("GET", tc.path, tc.token, nil); r.Status != tc.status {
				t.Errorf("GET %s: %d, want %d: %s", tc.path, r.Status, tc.status, r.Body)
			}
		}
	})
}
