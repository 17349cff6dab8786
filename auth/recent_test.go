package auth

import (
	"fmt"
	"testing"
	"time"
)

// countChecks counts the bcrypt checks CheckPassword makes until the test
// ends.
func countChecks(t *testing.T) *int {
	n := new(int)
	orig := compareHash
	compareHash = func(hash, password []byte) error {
		*n++
		return orig(hash, password)
	}
	t.Cleanup(func() { compareHash = orig })
	return n
}

// TestARepeatedSignInIsNotCheckedAgain: the same right password sent
// again soon after is answered without a second bcrypt check; a wrong one
// always costs a full check and never matches, whatever came before.
func TestARepeatedSignInIsNotCheckedAgain(t *testing.T) {
	checks := countChecks(t)
	hash, err := HashPassword("correct horse", 4)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		password string
		match    bool
		checks   int // bcrypt checks so far
	}{
		{"wrong", false, 1},
		{"correct horse", true, 2},
		{"correct horse", true, 2},
		{"correct horse", true, 2},
		{"wrong", false, 3},
		{"correct hors", false, 4},
		{"correct horse ", false, 5},
		{"", false, 6},
		{"correct horse", true, 6},
	}
	for i, s := range steps {
		if got := CheckPassword(hash, s.password, 4); got != s.match {
			t.Errorf("step %d: %q matched %v, want %v", i, s.password, got, s.match)
		}
		if *checks != s.checks {
			t.Errorf("step %d: %d bcrypt checks so far, want %d", i, *checks, s.checks)
		}
	}

	// A new hash (the password changed or reset) remembers nothing: the
	// old password does not match it, and the new one is checked once.
	hash2, err := HashPassword("battery staple", 4)
	if err != nil {
		t.Fatal(err)
	}
	if CheckPassword(hash2, "correct horse", 4) {
		t.Error("the old password matched the new hash")
	}
	if !CheckPassword(hash2, "battery staple", 4) || !CheckPassword(hash2, "battery staple", 4) {
		t.Error("the new password did not match its hash")
	}
	if *checks != 8 {
		t.Errorf("%d bcrypt checks, want 8", *checks)
	}
	// An unknown phone is never remembered.
	if CheckPassword("", "battery staple", 4) || CheckPassword("", "battery staple", 4) || *checks != 10 {
		t.Errorf("an unknown phone matched, or its checks were not made (%d, want 10)", *checks)
	}
}

// TestRecentChecksForget: a match is forgotten after recentTTL, and the
// entries stay within recentMax, the live ones kept when expired ones can
// make room.
func TestRecentChecksForget(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	r := newRecentChecks()
	r.now = func() time.Time { return now }
	r.remember("h1", "pw1")
	now = now.Add(recentTTL - time.Second)
	if !r.matched("h1", "pw1") {
		t.Error("forgotten before recentTTL")
	}
	if r.matched("h1", "pw2") || r.matched("h2", "pw1") {
		t.Error("another password or another hash matched")
	}
	now = now.Add(time.Second)
	if r.matched("h1", "pw1") {
		t.Error("still remembered at recentTTL")
	}

	r = newRecentChecks()
	r.now = func() time.Time { return now }
	for i := range recentMax - 1 {
		r.remember(fmt.Sprint("old", i), "pw")
	}
	now = now.Add(recentTTL)
	r.remember("live", "pw")
	r.remember("newer", "pw") // full: the expired make room
	if len(r.entries) != 2 || !r.matched("live", "pw") || !r.matched("newer", "pw") {
		t.Errorf("after room was made: %d entries, want the 2 live ones", len(r.entries))
	}
	for i := range recentMax {
		r.remember(fmt.Sprint("live", i), "pw")
	}
	if len(r.entries) > recentMax {
		t.Errorf("%d entries, want at most %d", len(r.entries), recentMax)
	}
}
