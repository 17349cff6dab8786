package auth

import (
	"crypto/rand"
	"fmt"
)

// temporaryAlphabet leaves out letters and digits that read alike (0/o,
// 1/l/i) so that a password read out over the phone is typed right.
const temporaryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// TemporaryPassword returns a random 12-character password (about 59 bits)
// for a reset, to be changed at the next login. Bytes that would bias the
// choice are drawn again.
func TemporaryPassword() (string, error) {
	const n = len(temporaryAlphabet)
	limit := byte(256 / n * n)
	out := make([]byte, 0, 12)
	buf := make([]byte, 16)
	for len(out) < 12 {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("random password: %w", err)
		}
		for _, b := range buf {
			if b < limit && len(out) < 12 {
				out = append(out, temporaryAlphabet[int(b)%n])
			}
		}
	}
	return string(out), nil
}
