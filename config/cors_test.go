package config

import (
	"slices"
	"strings"
	"testing"
)

// TestAllowedOrigins checks the parsing of TEPAI_CORS_ORIGINS: origins as
// browsers send them, trimmed and lower-cased; anything else refused by
// Validate with the setting's name.
func TestAllowedOrigins(t *testing.T) {
	c := Default()
	c.CORSOrigins = " https://App.example.cn ,http://localhost:5173,, "
	got, err := c.AllowedOrigins()
	if want := []string{"https://app.example.cn", "http://localhost:5173"}; err != nil || !slices.Equal(got, want) {
		t.Fatalf("AllowedOrigins = %v, %v; want %v", got, err, want)
	}
	c.CORSOrigins = ""
	if got, err := c.AllowedOrigins(); err != nil || len(got) != 0 {
		t.Fatalf("empty setting: %v, %v", got, err)
	}
	for _, bad := range []string{"*", "app.example.cn", "https://app.example.cn/", "https://app.example.cn/x",
		"ftp://app.example.cn", "https://user@app.example.cn", "https://app.example.cn?x=1", "https://"} {
		c.CORSOrigins = "https://ok.example.cn," + bad
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "cors-origins") {
			t.Errorf("%q: Validate = %v", bad, err)
		}
	}
}
