package models

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// The refresh grace period.
//
// A phone that loses the response of a refresh, or two threads of one app
// that refresh at once, present the same refresh token twice. For the
// grace period after a rotation the second presentation answers the very
// pair the rotation answered, instead of counting as reuse.
//
// Every replica must be able to answer it, so the pair is kept in the
// database, on the row of the token it replaced. It is not kept in the
// clear: it is sealed with AES-256-GCM under a key derived (HKDF-SHA256)
// from the presented refresh token, which the database never holds (it
// holds only the token's SHA-256, a different one-way function of it, from
// which the key cannot be derived). Someone who reads the database or a
// backup learns nothing usable; only the holder of the old token can open
// the seal, and that holder is exactly who the grace answers. The row's
// hash is the sealing's additional data, so a seal moved to another row
// does not open. Seals older than the grace are cleared when the session
// rotates again, and a seal never opens after the grace or once the login
// is revoked or its user disabled.

// sealedPair is what a rotation answered: the access and refresh tokens.
type sealedPair struct {
	Access  string `json:"a"`
	Refresh string `json:"r"`
}

// sealKey derives the sealing key from the presented refresh token.
func sealKey(token string) ([]byte, error) {
	key, err := hkdf.Key(sha256.New, []byte(token), nil, "tepai refresh grace seal v1", 32)
	if err != nil {
		return nil, fmt.Errorf("derive seal key: %w", err)
	}
	return key, nil
}

func sealAEAD(token string) (cipher.AEAD, error) {
	key, err := sealKey(token)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("seal cipher: %w", err)
	}
	return cipher.NewGCM(block)
}

// sealPair encrypts p for the row of token (whose stored hash is hash).
func sealPair(token, hash string, p sealedPair) (string, error) {
	aead, err := sealAEAD(token)
	if err != nil {
		return "", err
	}
	plain, err := json.Marshal(p)
	if err != nil {
		return "", fmt.Errorf("encode sealed pair: %w", err)
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal nonce: %w", err)
	}
	out := aead.Seal(nonce, nonce, plain, []byte(hash))
	return base64.RawStdEncoding.EncodeToString(out), nil
}

// openPair decrypts the seal of token's row.
func openPair(token, hash, seal string) (sealedPair, error) {
	var p sealedPair
	raw, err := base64.RawStdEncoding.DecodeString(seal)
	if err != nil {
		return p, fmt.Errorf("decode seal: %w", err)
	}
	aead, err := sealAEAD(token)
	if err != nil {
		return p, err
	}
	if len(raw) < aead.NonceSize() {
		return p, errors.New("seal too short")
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(hash))
	if err != nil {
		return p, fmt.Errorf("open seal: %w", err)
	}
	if err := json.Unmarshal(plain, &p); err != nil {
		return p, fmt.Errorf("decode sealed pair: %w", err)
	}
	return p, nil
}

// storeSeal keeps the pair a rotation answers on the replaced token's row
// and clears the seals of this session that are past the grace.
func storeSeal(tx *gorm.DB, token, hash, sessionID string, now time.Time, grace time.Duration, p sealedPair) error {
	if grace <= 0 {
		return nil
	}
	seal, err := sealPair(token, hash, p)
	if err != nil {
		return err
	}
	if err := tx.Model(&RefreshToken{}).Where("hash = ?", hash).Update("grace_seal", seal).Error; err != nil {
		return fmt.Errorf("store grace seal: %w", err)
	}
	err = tx.Model(&RefreshToken{}).Where("session_id = ? AND grace_seal IS NOT NULL AND used_at < ?", sessionID, now.Add(-grace)).
		Update("grace_seal", nil).Error
	if err != nil {
		return fmt.Errorf("clear old grace seals: %w", err)
	}
	return nil
}

// replay answers a used refresh token presented again: within the grace
// after its rotation, on a live login, the pair the rotation answered;
// otherwise the login is revoked (ErrRefreshReused), or, when it already
// is, ErrRefreshInvalid.
func (db *DB) replay(ctx context.Context, token string, grace time.Duration) (*Grant, error) {
	hash := HashRefreshToken(token)
	var rt RefreshToken
	if err := db.WithContext(ctx).Where("hash = ?", hash).Take(&rt).Error; err != nil {
		return nil, fmt.Errorf("reload refresh token: %w", err)
	}
	now := Now()
	if rt.GraceSeal == nil || rt.UsedAt == nil || now.Sub(*rt.UsedAt) > grace {
		return nil, db.reused(ctx, rt.SessionID)
	}
	p, err := openPair(token, hash, *rt.GraceSeal)
	if err != nil {
		return nil, db.reused(ctx, rt.SessionID)
	}
	g := &Grant{SessionID: rt.SessionID, AccessToken: p.Access, RefreshToken: p.Refresh}
	if err := liveSessionUser(db.WithContext(ctx), rt.SessionID, now, &g.User); err != nil {
		return nil, err
	}
	return g, nil
}
