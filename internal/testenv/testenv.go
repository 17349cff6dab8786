// Package testenv runs tepai for tests through real HTTP: on SQLite and
// local disk always, and also on MySQL (MariaDB) and MinIO when
// TEPAI_TEST_MYSQL_DSN and TEPAI_TEST_S3_ENDPOINT are set.
package testenv

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/tepai/tepai/config"
	"github.com/tepai/tepai/models"
	"github.com/tepai/tepai/server"
	gormmysql "gorm.io/driver/mysql"
	"gorm.io/gorm"
)

// AdminPhone and AdminPassword log in the admin every Env starts with.
const (
	AdminPhone    = "13800000000"
	AdminPassword = "admin-password-1"
)

// Env is one running tepai with its own database and photo store.
type Env struct {
	T       testing.TB
	Backend string // "sqlite" or "mysql"
	App     *server.App
	Server  *httptest.Server
	Config  config.Config
	adminTk string

	statements *statementCounter
}

// Backends runs fn once per available backend, as subtests "sqlite" and,
// when TEPAI_TEST_MYSQL_DSN is set, "mysql".
func Backends(t *testing.T, fn func(t *testing.T, env *Env)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, New(t, "sqlite")) })
	if os.Getenv("TEPAI_TEST_MYSQL_DSN") != "" {
		t.Run("mysql", func(t *testing.T) { fn(t, New(t, "mysql")) })
	}
}

// BackendsWith is Backends on a configuration that configure changes
// first (the test's limits, CORS origins and the like).
func BackendsWith(t *testing.T, configure func(*config.Config), fn func(t *testing.T, env *Env)) {
	run := func(backend string) func(t *testing.T) {
		return func(t *testing.T) {
			cfg := Config(t, backend)
			configure(&cfg)
			fn(t, NewWithConfig(t, backend, cfg))
		}
	}
	t.Run("sqlite", run("sqlite"))
	if MySQLAvailable() {
		t.Run("mysql", run("mysql"))
	}
}

// ListHas tells whether a comma-separated header value list holds want
// (case-insensitively), as browsers read Access-Control-* lists.
func ListHas(list, want string) bool {
	for _, v := range strings.Split(list, ",") {
		if strings.EqualFold(strings.TrimSpace(v), want) {
			return true
		}
	}
	return false
}

// MySQLAvailable reports whether the MySQL backend is configured.
func MySQLAvailable() bool { return os.Getenv("TEPAI_TEST_MYSQL_DSN") != "" }

// Config returns a test configuration for backend: a temporary data folder,
// cheap password hashing, and on "mysql" a fresh database (and MinIO bucket
// when configured), all removed when the test ends.
func Config(t testing.TB, backend string) config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Addr = "127.0.0.1:0"
	cfg.BcryptCost = 4
	cfg.JWTSecret = "test-secret-test-secret-test-secret-0123"
	cfg.AdminPhone, cfg.AdminPassword = AdminPhone, AdminPassword
	cfg.LogLevel = "error"
	if backend == "mysql" {
		cfg.MySQLDSN = freshDatabase(t)
		if os.Getenv("TEPAI_TEST_S3_ENDPOINT") != "" {
			cfg.S3 = S3Config(t)
		}
	}
	return cfg
}

// New starts tepai on backend and imports Kaihua County (330824).
func New(t testing.TB, backend string) *Env {
	t.Helper()
	return NewWithConfig(t, backend, Config(t, backend))
}

// NewWithConfig starts tepai with cfg and imports Kaihua County.
func NewWithConfig(t testing.TB, backend string, cfg config.Config) *Env {
	t.Helper()
	env := Start(t, backend, cfg)
	env.ImportRegions("330824")
	return env
}

// Start starts tepai with cfg as tepai serve does (migrations, the admin
// of cfg when there is none, background jobs, the same HTTP server) on a
// loopback listener, and stops it when the test ends. It imports nothing:
// a benchmark points it at a database already filled.
func Start(t testing.TB, backend string, cfg config.Config) *Env {
	t.Helper()
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	if os.Getenv("TEPAI_TEST_LOG") != "" {
		log = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	app, err := server.Open(context.Background(), cfg, log)
	if err != nil {
		t.Fatalf("open tepai: %v", err)
	}
	statements, err := installStatementCounter(app.Deps.DB.DB)
	if err != nil {
		app.Close()
		t.Fatalf("count statements: %v", err)
	}
	bg, stop := context.WithCancel(context.Background())
	app.StartBackground(bg)
	// The server tepai serve runs, with the same timeouts.
	srv := httptest.NewUnstartedServer(app.Echo)
	srv.Config = server.HTTPServer(app.Echo, cfg, log)
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		stop()
		app.Wait()
		app.Close()
	})
	return &Env{T: t, Backend: backend, App: app, Server: srv, Config: cfg, statements: statements}
}

// DB is the Env's database.
func (e *Env) DB() *models.DB { return e.App.Deps.DB }

// DivisionsDir is shared/data/divisions beside the repository.
func DivisionsDir() string {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	return filepath.Join(root, "..", "shared", "data", "divisions")
}

// ImportRegions loads the divisions under prefix (and its ancestors).
func (e *Env) ImportRegions(prefix string) {
	e.T.Helper()
	if _, err := e.DB().ImportRegions(context.Background(), DivisionsDir(), prefix, nil); err != nil {
		e.T.Fatalf("import regions %s: %v", prefix, err)
	}
}

// Resp is a response read whole.
type Resp struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic map.
func (r *Resp) JSON() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(r.Body, &m)
	return m
}

// Decode decodes the body into v.
func (r *Resp) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// ErrorCode returns the contract error code of the body, if any.
func (r *Resp) ErrorCode() string {
	m := r.JSON()
	if e, ok := m["error"].(map[string]any); ok {
		s, _ := e["code"].(string)
		return s
	}
	return ""
}

// Do sends a request with a JSON body (nil for none, a string or []byte
// sent as is) and the bearer token (when not empty), plus extra headers as
// name, value pairs. The response is checked against the OpenAPI document
// (see ValidateExchange); a mismatch fails the test.
func (e *Env) Do(method, path, token string, body any, headers ...string) *Resp {
	e.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			e.T.Fatalf("encode body: %v", err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, e.Server.URL+path, rd)
	if err != nil {
		e.T.Fatalf("new request: %v", err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := e.Server.Client().Do(req)
	if err != nil {
		e.T.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.T.Fatalf("read body: %v", err)
	}
	e.checkContract(req, res, b)
	Observe(req, res, b)
	return &Resp{Status: res.StatusCode, Header: res.Header, Body: b}
}

// Login logs in and returns the access token.
func (e *Env) Login(phone, password string) string {
	e.T.Helper()
	r := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"phone": phone, "password": password})
	if r.Status != http.StatusOK {
		e.T.Fatalf("login %s: %d %s", phone, r.Status, r.Body)
	}
	var out struct {
		AccessToken string `json:"access_token"`
	}
	r.Decode(e.T, &out)
	return out.AccessToken
}

// Admin returns an access token of a national admin.
func (e *Env) Admin() string {
	if e.adminTk == "" {
		e.adminTk = e.NewUser("admin", "").Token
	}
	return e.adminTk
}

// observers see every request and response of every Env (the OpenAPI
// contract checks validate them).
var (
	observerMu sync.Mutex
	observers  = map[int]func(req *http.Request, res *http.Response, body []byte){}
	observerID int
)

// AddObserver installs fn to see every exchange until remove is called.
func AddObserver(fn func(req *http.Request, res *http.Response, body []byte)) (remove func()) {
	observerMu.Lock()
	defer observerMu.Unlock()
	observerID++
	id := observerID
	observers[id] = fn
	return func() {
		observerMu.Lock()
		defer observerMu.Unlock()
		delete(observers, id)
	}
}

// Observe passes one exchange to every observer.
func Observe(req *http.Request, res *http.Response, body []byte) {
	observerMu.Lock()
	fns := make([]func(*http.Request, *http.Response, []byte), 0, len(observers))
	for _, fn := range observers {
		fns = append(fns, fn)
	}
	observerMu.Unlock()
	for _, fn := range fns {
		fn(req, res, body)
	}
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// freshDatabase creates a database on the TEPAI_TEST_MYSQL_DSN server, drops
// it when the test ends, and returns a DSN for it.
func freshDatabase(t testing.TB) string {
	t.Helper()
	base := os.Getenv("TEPAI_TEST_MYSQL_DSN")
	mc, err := mysql.ParseDSN(base)
	if err != nil {
		t.Fatalf("TEPAI_TEST_MYSQL_DSN: %v", err)
	}
	name := "tepai_t_" + randomSuffix()
	admin := *mc
	admin.DBName = ""
	gdb, err := gorm.Open(gormmysql.Open(admin.FormatDSN()), &gorm.Config{})
	if err != nil {
		t.Fatalf("connect mysql: %v", err)
	}
	if err := gdb.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin").Error; err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		gdb.Exec("DROP DATABASE IF EXISTS " + name)
		if s, err := gdb.DB(); err == nil {
			s.Close()
		}
	})
	mc.DBName = name
	return mc.FormatDSN()
}
