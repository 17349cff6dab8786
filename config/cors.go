package config

import (
	"fmt"
	"net/url"
	"strings"
)

// AllowedOrigins parses CORSOrigins: each entry must be an origin as a
// browser sends it, scheme://host[:port] with scheme http or https and no
// path. An empty setting allows no origin (no CORS headers at all).
func (c *Config) AllowedOrigins() ([]string, error) {
	var out []string
	for _, o := range strings.Split(c.CORSOrigins, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return nil, fmt.Errorf("cors-origins: %q is not an origin such as https://app.example.cn", o)
		}
		out = append(out, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	return out, nil
}
