package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"time"
)

// recentChecks remembers, for a short time, the passwords that matched
// their hashes, so that the same sign-in sent again does not cost a
// second bcrypt check. A phone in a village sends its sign-in again when
// the answer is lost on the way back, and the server has by then paid for
// the check in full: in a 200-phone start over 10 s (scripts/bench, drop
// rate 0.2) the checks took half the server's CPU of the first 40 s, and
// 52 of its 252 sign-ins were such repeats.
//
// Only a match is remembered, and only as an HMAC of the password under a
// key made at start and never stored, beside the hash it matched: a wrong
// password is never found and always costs a full check, a password
// changed or reset has a new hash that nothing is remembered for, and
// what is remembered is forgotten after recentTTL. (Elasticsearch's
// realms keep their users' credentials in memory the same way, as salted
// SHA-256, for 20 minutes.)
type recentChecks struct {
	mu      sync.Mutex
	key     [32]byte
	entries map[string]recentCheck // by bcrypt hash
	now     func() time.Time
}

type recentCheck struct {
	mac [sha256.Size]byte
	at  time.Time
}

// recentTTL is how long a match is remembered: a lost answer's sign-in is
// sent again within seconds to a minute. recentMax bounds the entries.
const (
	recentTTL = 5 * time.Minute
	recentMax = 10000
)

func newRecentChecks() *recentChecks {
	r := &recentChecks{entries: map[string]recentCheck{}, now: time.Now}
	_, _ = rand.Read(r.key[:])
	return r
}

func (r *recentChecks) mac(password string) (m [sha256.Size]byte) {
	h := hmac.New(sha256.New, r.key[:])
	h.Write([]byte(password))
	h.Sum(m[:0])
	return m
}

// matched reports whether password matched hash within recentTTL.
func (r *recentChecks) matched(hash, password string) bool {
	m := r.mac(password)
	r.mu.Lock()
	e, ok := r.entries[hash]
	r.mu.Unlock()
	return ok && r.now().Sub(e.at) < recentTTL && hmac.Equal(e.mac[:], m[:])
}

// remember notes that password matched hash. When recentMax entries are
// held, the expired ones are dropped, and if none had, all of them.
func (r *recentChecks) remember(hash, password string) {
	m := r.mac(password)
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.entries) >= recentMax {
		for h, e := range r.entries {
			if now.Sub(e.at) >= recentTTL {
				delete(r.entries, h)
			}
		}
		if len(r.entries) >= recentMax {
			clear(r.entries)
		}
	}
	r.entries[hash] = recentCheck{mac: m, at: now}
}
