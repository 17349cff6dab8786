package auth

import (
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// TestDummyHashFollowsCost: the hash an unknown phone's password is
// checked against has the configured cost, so checking it takes as long as
// checking a registered user's hash of that cost.
func TestDummyHashFollowsCost(t *testing.T) {
	for _, cost := range []int{4, 5, 6} {
		got, err := bcrypt.Cost(DummyHash(cost))
		if err != nil {
			t.Fatalf("cost %d: dummy hash is no bcrypt hash: %v", cost, err)
		}
		if got != cost {
			t.Errorf("dummy hash for cost %d has cost %d", cost, got)
		}
	}
	if string(DummyHash(5)) != string(DummyHash(5)) {
		t.Error("the dummy hash of one cost changes between calls")
	}
	if CheckPassword("", "", 4) || CheckPassword("", "anything", 4) {
		t.Error("an unknown phone's password matched")
	}
}

// BenchmarkCheckPassword compares a wrong password for a registered user
// with one for an unknown phone, at cost 8: the two should take the same.
func BenchmarkCheckPassword(b *testing.B) {
	const cost = 8
	hash, err := HashPassword("correct horse", cost)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("registered", func(b *testing.B) {
		for range b.N {
			CheckPassword(hash, "wrong", cost)
		}
	})
	b.Run("unknown", func(b *testing.B) {
		DummyHash(cost)
		b.ResetTimer()
		for range b.N {
			CheckPassword("", "wrong", cost)
		}
	})
}
