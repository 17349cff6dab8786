package e2e

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// s3Counter is an HTTP proxy in front of a MinIO that counts the objects
// written under a key prefix, to see how often a job stored its result.
// It keeps the Host header, so that the clients' signatures still hold.
type s3Counter struct {
	URL    string
	prefix string
	mu     sync.Mutex
	puts   map[string]int // key → PUTs
}

func startS3Counter(t *testing.T, target, prefix string) *s3Counter {
	t.Helper()
	c := &s3Counter{prefix: prefix, puts: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: target})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			if _, key, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/"); ok && strings.HasPrefix(key, prefix) {
				c.mu.Lock()
				c.puts[key]++
				c.mu.Unlock()
			}
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	c.URL = srv.Listener.Addr().String()
	return c
}

// Puts returns how often each key under the prefix was written.
func (c *s3Counter) Puts() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.puts))
	for k, v := range c.puts {
		out[k] = v
	}
	return out
}
