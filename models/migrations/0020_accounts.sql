-- Accounts: a temporary password set by a reset must be changed before the
-- login may do anything but read /me and change it.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;

-- A rotated refresh token keeps, for the grace period, the pair its
-- rotation answered, sealed with a key derived from that refresh token
-- itself (see models/refreshgrace.go), so that a retry gets the same pair.
ALTER TABLE refresh_tokens ADD COLUMN grace_seal VARCHAR(1024) NULL;
