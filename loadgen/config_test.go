package loadgen

import "testing"

func TestCheckLoopback(t *testing.T) {
	for _, c := range []struct {
		url string
		ok  bool
	}{
		{"http://127.0.0.1:8080", true},
		{"http://localhost:9", true},
		{"https://[::1]:8443/", true},
		{"http://10.0.0.1:8080", false},
		{"http://127.0.0.2:8080", false},
		{"http://example.com", false},
		{"http://127.0.0.1.example.com", false},
		{"ftp://127.0.0.1", false},
		{"127.0.0.1:8080", false},
	} {
		if err := CheckLoopback(c.url); (err == nil) != c.ok {
			t.Errorf("CheckLoopback(%q) = %v, want ok %v", c.url, err, c.ok)
		}
	}
}

func TestValidateRefusesRemoteTargetsAndBadBounds(t *testing.T) {
	cfg := Defaults()
	cfg.AdminPhone, cfg.AdminPassword = "13800000000", "admin-password"
	if err := cfg.Validate(); err != nil {
		t.Fatalf("defaults with an admin: %v", err)
	}
	bad := []func(c *Config){
		func(c *Config) { c.URLs = []string{"http://127.0.0.1:8080", "http://192.168.1.5:8080"} },
		func(c *Config) { c.URLs = nil },
		func(c *Config) { c.Phones = 0 },
		func(c *Config) { c.Duration = 0 },
		func(c *Config) { c.DropRate = 1 },
		func(c *Config) { c.Batch = 501 },
		func(c *Config) { c.Region = "33" },
		func(c *Config) { c.AdminPassword = "" },
	}
	for i, mutate := range bad {
		c := cfg
		mutate(&c)
		if c.Validate() == nil {
			t.Errorf("case %d: Validate accepted %+v", i, c)
		}
	}
}
