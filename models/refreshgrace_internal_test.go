package models

import (
	"strings"
	"testing"
)

// TestGraceSeal: a sealed pair opens only with the refresh token it was
// sealed for and on that token's row, and holds neither token in the
// clear.
func TestGraceSeal(t *testing.T) {
	pair := sealedPair{Access: "eyJ.access.token", Refresh: "new-refresh-token-0123456789"}
	token, other := "presented-refresh-token-abcdef", "another-refresh-token-abcdef"
	hash := HashRefreshToken(token)
	seal, err := sealPair(token, hash, pair)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(seal, pair.Access) || strings.Contains(seal, pair.Refresh) || strings.Contains(seal, token) {
		t.Fatalf("seal %q shows a token", seal)
	}
	if got, err := openPair(token, hash, seal); err != nil || got != pair {
		t.Fatalf("open: %+v, %v", got, err)
	}
	if _, err := openPair(other, hash, seal); err == nil {
		t.Fatal("opened with another token")
	}
	if _, err := openPair(token, HashRefreshToken(other), seal); err == nil {
		t.Fatal("opened on another row")
	}
	// Each seal has its own random nonce.
	again, _ := sealPair(token, hash, pair)
	if again == seal {
		t.Fatal("two seals are equal")
	}
}
