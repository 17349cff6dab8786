// Package auth issues and checks access tokens and password hashes.
package auth

import (
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tepai/tepai/internal/priority"
	"golang.org/x/crypto/bcrypt"
)

const issuer = "tepai"

// Tokens signs and verifies short-lived HS256 access tokens.
type Tokens struct {
	key []byte
	ttl time.Duration
	now func() time.Time
}

// Claims are an access token's claims: the user as subject, its login
// session and role.
type Claims struct {
	jwt.RegisteredClaims
	SessionID string `json:"sid"`
	Role      string `json:"role"`
}

// NewTokens returns a signer with key and access-token lifetime ttl.
func NewTokens(key string, ttl time.Duration) *Tokens {
	return &Tokens{key: []byte(key), ttl: ttl, now: time.Now}
}

// TTL is the access-token lifetime.
func (t *Tokens) TTL() time.Duration { return t.ttl }

// Issue signs an access token for the user's session.
func (t *Tokens) Issue(userID, sessionID, role string) (string, error) {
	now := t.now()
	claims := Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    issuer,
			Subject:   userID,
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now.Add(-30 * time.Second)),
			ExpiresAt: jwt.NewNumericDate(now.Add(t.ttl)),
		},
		SessionID: sessionID,
		Role:      role,
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.key)
	if err != nil {
		return "", fmt.Errorf("sign access token: %w", err)
	}
	return s, nil
}

// Parse verifies a token: HS256 only (alg none and every other algorithm
// are refused), our issuer, an expiry that has not passed.
func (t *Tokens) Parse(token string) (*Claims, error) {
	var claims Claims
	_, err := jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return t.key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(t.now),
	)
	if err != nil {
		return nil, err
	}
	if claims.Subject == "" || claims.SessionID == "" {
		return nil, errors.New("token lacks subject or session")
	}
	return &claims, nil
}

// passwordWork bounds the bcrypt hashes and checks that run at once to
// the cores (priority.Cores). Each takes tens of milliseconds of CPU with
// no pause, and Go's scheduler shares the CPU evenly among runnable
// goroutines: when 200 phones signed in at once, a few dozen checks in
// the run queues left every request that waits on the database (a push's
// dozen round trips) behind all of them at each wake-up. A 200-phone
// start with a 10 s ramp spent half the server's CPU of its first 40 s in
// bcrypt, and its pushes' p99 was 5.7 s in the first 10 s. Bounded, and
// with a processor for requests beside each check (tepai serve's
// GOMAXPROCS), a woken request does not wait for a check, and sign-ins
// are served in turn. (Half the cores left sign-ins at half the rate: 17
// s median at the same start, against 1.5 s.)
var passwordWork = make(chan struct{}, PasswordSlots)

// PasswordSlots is how many password checks run at once: one per core.
var PasswordSlots = priority.Cores

// withPasswordSlot runs fn when a slot of passwordWork is free.
func withPasswordSlot(fn func()) {
	passwordWork <- struct{}{}
	defer func() { <-passwordWork }()
	fn()
}

// HashPassword hashes a password with bcrypt at cost.
func HashPassword(password string, cost int) (string, error) {
	var b []byte
	var err error
	withPasswordSlot(func() { b, err = bcrypt.GenerateFromPassword([]byte(password), cost) })
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(b), nil
}

// CheckPassword reports whether password matches hash. An empty hash (an
// unknown phone) is checked against a dummy hash of the configured cost,
// so that an unknown phone costs the same time as a wrong password for a
// registered one, whatever cost TEPAI_BCRYPT_COST sets. A password that
// matched its hash in the last recentTTL is not checked again
// (recentChecks).
func CheckPassword(hash, password string, cost int) bool {
	if hash == "" {
		dummy := DummyHash(cost)
		withPasswordSlot(func() { _ = compareHash(dummy, []byte(password)) })
		return false
	}
	if recent.matched(hash, password) {
		return true
	}
	var err error
	withPasswordSlot(func() { err = compareHash([]byte(hash), []byte(password)) })
	if err != nil {
		return false
	}
	recent.remember(hash, password)
	return true
}

// recent holds the process's recent matches; compareHash is bcrypt's
// check (a test counts its calls).
var (
	recent      = newRecentChecks()
	compareHash = bcrypt.CompareHashAndPassword
)

// dummyHashes holds one dummy hash per cost, made on first use: hashing
// at cost 12 takes a quarter of a second, too long to repeat per login.
var dummyHashes sync.Map

// DummyHash returns a bcrypt hash of a random password at cost (clamped to
// bcrypt's range), the same one every time for the same cost.
func DummyHash(cost int) []byte {
	cost = min(max(cost, bcrypt.MinCost), bcrypt.MaxCost)
	if h, ok := dummyHashes.Load(cost); ok {
		return h.([]byte)
	}
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	h, err := bcrypt.GenerateFromPassword(secret, cost)
	if err != nil {
		// Only an out-of-range cost fails, and cost is clamped.
		panic(fmt.Sprintf("dummy hash at cost %d: %v", cost, err))
	}
	actual, _ := dummyHashes.LoadOrStore(cost, h)
	return actual.([]byte)
}
