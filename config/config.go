// Package config holds tepai's typed configuration: defaults in one place,
// environment and flag binding, and a cross-field Validate.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Config is every setting the tepai binary takes.
type Config struct {
	Addr          string
	DataDir       string
	MySQLDSN      string
	S3            S3
	JWTSecret     string
	AdminPhone    string
	AdminPassword string
	AccessTTL     time.Duration
	RefreshTTL    time.Duration
	// RefreshGrace is how long a rotated refresh token presented again
	// answers the pair its rotation answered (a retry after a lost
	// response) instead of revoking the login.
	RefreshGrace  time.Duration
	MaxPhotoBytes int64
	MaxBodyBytes  int64
	BcryptCost    int
	NoMigrate     bool
	LogLevel      string
	// LoginLimit is how many failed logins a phone or an IP may make in
	// LoginWindow before it gets 429.
	LoginLimit int
	// LoginIPLimit is how many login attempts one IP may make in
	// LoginWindow: higher than LoginLimit, as many phones in a village
	// share one carrier NAT address.
	LoginIPLimit int
	LoginWindow  time.Duration
	// OrphanGrace is how old stored bytes that no photo needs must be
	// before the sweep deletes them.
	OrphanGrace time.Duration
	// UploadExpiry is how long a resumable upload may stay unfinished.
	UploadExpiry time.Duration
	// CORSOrigins is the comma-separated list of browser origins (such as
	// https://app.example.cn) allowed to call the API; empty for none.
	CORSOrigins string
	// ReadHeaderTimeout bounds how long a client may take to send a
	// request's headers; IdleTimeout how long a kept-alive connection may
	// wait for its next request. Neither cuts a long export or a slow
	// upload, whose bodies they do not cover.
	ReadHeaderTimeout time.Duration
	IdleTimeout       time.Duration
	// DebugAddr, when set, serves net/http/pprof on a listener of its own,
	// on a loopback address only.
	DebugAddr string
	// PhotoDelivery is how a photo's bytes reach the phone when they are
	// in MinIO: "redirect" to a short-lived signed URL of the store (the
	// phone must reach MinIO), or "proxy", streamed through tepai.
	PhotoDelivery string
}

// S3 configures the MinIO/S3 photo store; it is on when Endpoint is set.
type S3 struct {
	Endpoint  string
	AccessKey string
	SecretKey string
	Bucket    string
	UseSSL    bool
	Region    string
}

// Default returns the configuration of the embedded default: SQLite and
// local disk under ./data, listening on :8080.
func Default() Config {
	return Config{
		Addr:          ":8080",
		DataDir:       "data",
		S3:            S3{Bucket: "tepai", Region: "us-east-1"},
		PhotoDelivery: "redirect",
		AccessTTL:     15 * time.Minute,
		RefreshTTL:    30 * 24 * time.Hour,
		RefreshGrace:  time.Minute,
		MaxPhotoBytes: 20 << 20,
		MaxBodyBytes:  4 << 20,
		BcryptCost:    10,
		LogLevel:      "info",
		LoginLimit:    10,
		LoginIPLimit:  100,
		LoginWindow:   15 * time.Minute,
		OrphanGrace:   time.Hour,
		UploadExpiry:  24 * time.Hour,

		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
}

// env is one environment variable and the flag that mirrors it.
type env struct {
	name, flag, usage string
	bind              func(fs *flag.FlagSet, name, usage string)
}

// Bind registers every setting as a flag on fs, with the value of its
// environment variable (read through getenv) as the flag's default, so that
// a flag overrides the environment and the environment overrides Default.
func (c *Config) Bind(fs *flag.FlagSet, getenv func(string) string) {
	str := func(p *string, flagName, envName, usage string) {
		if v := getenv(envName); v != "" {
			*p = v
		}
		fs.StringVar(p, flagName, *p, usage+" ("+envName+")")
	}
	dur := func(p *time.Duration, flagName, envName, usage string) {
		if v, err := time.ParseDuration(getenv(envName)); err == nil {
			*p = v
		}
		fs.DurationVar(p, flagName, *p, usage+" ("+envName+")")
	}
	num := func(p *int64, flagName, envName, usage string) {
		if v, err := strconv.ParseInt(getenv(envName), 10, 64); err == nil {
			*p = v
		}
		fs.Int64Var(p, flagName, *p, usage+" ("+envName+")")
	}
	integer := func(p *int, flagName, envName, usage string) {
		if v, err := strconv.Atoi(getenv(envName)); err == nil {
			*p = v
		}
		fs.IntVar(p, flagName, *p, usage+" ("+envName+")")
	}
	str(&c.Addr, "addr", "TEPAI_ADDR", "address to listen on")
	str(&c.DataDir, "data-dir", "TEPAI_DATA_DIR", "folder for the SQLite database, local photos and the generated JWT secret")
	str(&c.MySQLDSN, "mysql-dsn", "TEPAI_MYSQL_DSN", "go-sql-driver/mysql DSN; when set, MySQL replaces SQLite")
	str(&c.S3.Endpoint, "s3-endpoint", "TEPAI_S3_ENDPOINT", "MinIO/S3 endpoint host:port; when set, photos go to MinIO instead of the data folder")
	str(&c.S3.AccessKey, "s3-access-key", "TEPAI_S3_ACCESS_KEY", "MinIO/S3 access key")
	str(&c.S3.SecretKey, "s3-secret-key", "TEPAI_S3_SECRET_KEY", "MinIO/S3 secret key")
	str(&c.S3.Bucket, "s3-bucket", "TEPAI_S3_BUCKET", "MinIO/S3 bucket, created when missing")
	if v := getenv("TEPAI_S3_USE_SSL"); v != "" {
		c.S3.UseSSL, _ = strconv.ParseBool(v)
	}
	fs.BoolVar(&c.S3.UseSSL, "s3-use-ssl", c.S3.UseSSL, "use TLS to reach MinIO/S3 (TEPAI_S3_USE_SSL)")
	str(&c.S3.Region, "s3-region", "TEPAI_S3_REGION", "MinIO/S3 region")
	integer(&c.BcryptCost, "bcrypt-cost", "TEPAI_BCRYPT_COST", "bcrypt cost of stored password hashes, 4–31")
	integer(&c.LoginLimit, "login-limit", "TEPAI_LOGIN_LIMIT", "login attempts a phone may make per login-window before it gets 429")
	integer(&c.LoginIPLimit, "login-ip-limit", "TEPAI_LOGIN_IP_LIMIT", "login attempts one IP may make per login-window before it gets 429")
	dur(&c.LoginWindow, "login-window", "TEPAI_LOGIN_WINDOW", "window of the login limit")
	str(&c.JWTSecret, "jwt-secret", "TEPAI_JWT_SECRET", "HS256 key for access tokens; generated and kept in the data folder when unset")
	str(&c.AdminPhone, "admin-phone", "TEPAI_ADMIN_PHONE", "phone of the admin created on first start when there is none")
	str(&c.AdminPassword, "admin-password", "TEPAI_ADMIN_PASSWORD", "password of that admin, at least 8 characters")
	dur(&c.AccessTTL, "access-ttl", "TEPAI_ACCESS_TTL", "lifetime of access tokens")
	dur(&c.RefreshTTL, "refresh-ttl", "TEPAI_REFRESH_TTL", "lifetime of refresh tokens")
	dur(&c.RefreshGrace, "refresh-grace", "TEPAI_REFRESH_GRACE", "how long a used refresh token presented again answers the same new pair")
	num(&c.MaxPhotoBytes, "max-photo-bytes", "TEPAI_MAX_PHOTO_BYTES", "largest photo accepted, in bytes")
	num(&c.MaxBodyBytes, "max-body-bytes", "TEPAI_MAX_BODY_BYTES", "largest JSON request body, in bytes")
	dur(&c.OrphanGrace, "orphan-grace", "TEPAI_ORPHAN_GRACE", "age after which stored photo bytes no photo needs are swept")
	dur(&c.UploadExpiry, "upload-expiry", "TEPAI_UPLOAD_EXPIRY", "how long a resumable upload may stay unfinished before it is swept")
	str(&c.LogLevel, "log-level", "TEPAI_LOG_LEVEL", "debug, info, warn or error")
	str(&c.CORSOrigins, "cors-origins", "TEPAI_CORS_ORIGINS", "comma-separated browser origins allowed to call the API (CORS); empty for none")
	dur(&c.ReadHeaderTimeout, "read-header-timeout", "TEPAI_READ_HEADER_TIMEOUT", "time a client may take to send a request's headers")
	dur(&c.IdleTimeout, "idle-timeout", "TEPAI_IDLE_TIMEOUT", "time a kept-alive connection may wait for its next request")
	str(&c.DebugAddr, "debug-addr", "TEPAI_DEBUG_ADDR", "loopback address (127.0.0.1:6060) to serve net/http/pprof on; off when empty")
	str(&c.PhotoDelivery, "photo-delivery", "TEPAI_PHOTO_DELIVERY", "redirect (to a signed MinIO URL) or proxy (stream photos through tepai, when phones cannot reach MinIO)")
	if v := getenv("TEPAI_NO_MIGRATE"); v != "" {
		c.NoMigrate, _ = strconv.ParseBool(v)
	}
	fs.BoolVar(&c.NoMigrate, "no-migrate", c.NoMigrate, "do not apply schema migrations on start (TEPAI_NO_MIGRATE)")
}

// Validate checks the settings against each other.
func (c *Config) Validate() error {
	var errs []error
	if c.Addr == "" {
		errs = append(errs, errors.New("addr must not be empty"))
	}
	if c.MySQLDSN == "" && c.DataDir == "" {
		errs = append(errs, errors.New("data-dir is needed for the embedded SQLite database"))
	}
	if c.S3.Endpoint == "" && c.DataDir == "" {
		errs = append(errs, errors.New("data-dir is needed for local photo storage"))
	}
	if c.S3.Endpoint != "" && (c.S3.AccessKey == "" || c.S3.SecretKey == "" || c.S3.Bucket == "") {
		errs = append(errs, errors.New("s3-endpoint needs s3-access-key, s3-secret-key and s3-bucket"))
	}
	if (c.AdminPhone == "") != (c.AdminPassword == "") {
		errs = append(errs, errors.New("admin-phone and admin-password go together"))
	}
	if c.AdminPassword != "" && len(c.AdminPassword) < 8 {
		errs = append(errs, errors.New("admin-password must have at least 8 characters"))
	}
	if c.JWTSecret != "" && len(c.JWTSecret) < 32 {
		errs = append(errs, errors.New("jwt-secret must have at least 32 characters"))
	}
	if c.AccessTTL <= 0 || c.RefreshTTL <= c.AccessTTL {
		errs = append(errs, errors.New("access-ttl must be positive and shorter than refresh-ttl"))
	}
	if c.RefreshGrace < 0 || c.RefreshGrace >= c.AccessTTL {
		errs = append(errs, errors.New("refresh-grace must be zero or more and shorter than access-ttl"))
	}
	if c.LoginLimit < 1 || c.LoginIPLimit < 1 || c.LoginWindow <= 0 {
		errs = append(errs, errors.New("login-limit and login-window must be positive"))
	}
	if _, err := c.AllowedOrigins(); err != nil {
		errs = append(errs, err)
	}
	if c.PhotoDelivery != "redirect" && c.PhotoDelivery != "proxy" {
		errs = append(errs, errors.New("photo-delivery must be redirect or proxy"))
	}
	if c.MaxPhotoBytes <= 0 || c.MaxBodyBytes <= 0 {
		errs = append(errs, errors.New("max-photo-bytes and max-body-bytes must be positive"))
	}
	if c.OrphanGrace <= 0 || c.UploadExpiry <= 0 {
		errs = append(errs, errors.New("orphan-grace and upload-expiry must be positive"))
	}
	if c.BcryptCost < 4 || c.BcryptCost > 31 {
		errs = append(errs, errors.New("bcrypt cost must be between 4 and 31"))
	}
	if c.ReadHeaderTimeout <= 0 || c.IdleTimeout <= 0 {
		errs = append(errs, errors.New("read-header-timeout and idle-timeout must be positive"))
	}
	if c.DebugAddr != "" && !isLoopback(c.DebugAddr) {
		errs = append(errs, errors.New("debug-addr must be a loopback address such as 127.0.0.1:6060"))
	}
	return errors.Join(errs...)
}

// String prints the configuration with secrets masked.
func (c Config) String() string {
	mask := func(s string) string {
		if s == "" {
			return ""
		}
		return "***"
	}
	return fmt.Sprintf("addr=%s data_dir=%s mysql=%t s3_endpoint=%s s3_bucket=%s s3_access_key=%s s3_secret_key=%s jwt_secret=%s admin_phone=%s admin_password=%s access_ttl=%s refresh_ttl=%s",
		c.Addr, c.DataDir, c.MySQLDSN != "", c.S3.Endpoint, c.S3.Bucket, mask(c.S3.AccessKey), mask(c.S3.SecretKey),
		mask(c.JWTSecret), c.AdminPhone, mask(c.AdminPassword), c.AccessTTL, c.RefreshTTL)
}

// ResolveJWTSecret returns the configured secret, or the one kept in the data
// folder, generating and storing it on first use.
func (c *Config) ResolveJWTSecret(random func([]byte) error) (string, error) {
	if c.JWTSecret != "" {
		return c.JWTSecret, nil
	}
	path := filepath.Join(c.DataDir, "jwt.secret")
	if b, err := os.ReadFile(path); err == nil && len(b) >= 32 {
		return string(b), nil
	}
	buf := make([]byte, 32)
	if err := random(buf); err != nil {
		return "", fmt.Errorf("generate jwt secret: %w", err)
	}
	secret := fmt.Sprintf("%x", buf)
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return "", fmt.Errorf("create data dir: %w", err)
	}
	if err := os.WriteFile(path, []byte(secret), 0o600); err != nil {
		return "", fmt.Errorf("write jwt secret: %w", err)
	}
	return secret, nil
}

// isLoopback says whether addr (host:port) names a loopback IP or
// localhost: never all interfaces, never a name that may resolve
// elsewhere.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
