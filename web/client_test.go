package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tepai/tepai/internal/testenv"
)

// client is a browser without JavaScript: it keeps cookies, follows
// redirects and posts forms with their anti-forgery token.
type client struct {
	t   *testing.T
	env *testenv.Env
	c   *http.Client
}

func newClient(t *testing.T, env *testenv.Env) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, env: env, c: &http.Client{Jar: jar}}
}

// answer is a response read whole.
type answer struct {
	Status int
	URL    string
	Header http.Header
	Body   string
}

func (c *client) do(req *http.Request) answer {
	c.t.Helper()
	res, err := c.c.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{Status: res.StatusCode, URL: res.Request.URL.RequestURI(), Header: res.Header, Body: string(b)}
}

func (c *client) get(path string, headers ...string) answer {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.env.Server.URL+path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// post submits form to path with the token of the page at from.
func (c *client) post(from, path string, form url.Values) answer {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if m := csrfField.FindStringSubmatch(c.get(from).Body); m != nil && form.Get("csrf") == "" {
		form.Set("csrf", m[1])
	}
	req, _ := http.NewRequest(http.MethodPost, c.env.Server.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// signIn fills the sign-in form.
func (c *client) signIn(phone, password string) answer {
	c.t.Helper()
	return c.post("/login", "/login", url.Values{"phone": {phone}, "password": {password}})
}

var figureAttr = regexp.MustCompile(`data-figure="([a-z_]+)" data-value="([^"]*)"`)

// figures reads the data-figure values of the part of body between the
// markers start and end (the whole body when start is "").
func figures(t *testing.T, body, start, end string) map[string]float64 {
	t.Helper()
	if start != "" {
		i := strings.Index(body, start)
		if i < 0 {
			t.Fatalf("no %q in page", start)
		}
		body = body[i:]
		if j := strings.Index(body, end); j >= 0 {
			body = body[:j]
		}
	}
	out := map[string]float64{}
	for _, m := range figureAttr.FindAllStringSubmatch(body, -1) {
		v, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			t.Fatalf("data-value %q of %s: %v", m[2], m[1], err)
		}
		out[m[1]] = v
	}
	return out
}
