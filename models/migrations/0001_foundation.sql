-- Regions, people, auth, audit and the change log.
CREATE TABLE IF NOT EXISTS regions (
  code VARCHAR(12) NOT NULL PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  level VARCHAR(10) NOT NULL,
  parent_code VARCHAR(12) NOT NULL DEFAULT '',
  rural BOOLEAN NOT NULL DEFAULT FALSE
){{options}};
CREATE INDEX idx_regions_parent ON regions (parent_code, code);

CREATE TABLE IF NOT EXISTS users (
  id VARCHAR(36) NOT NULL PRIMARY KEY,
  phone VARCHAR(20) NOT NULL,
  password_hash VARCHAR(100) NOT NULL,
  name VARCHAR(50) NOT NULL,
  role VARCHAR(16) NOT NULL,
  region_code VARCHAR(12) NOT NULL DEFAULT '',
  active BOOLEAN NOT NULL DEFAULT TRUE,
  version INTEGER NOT NULL DEFAULT 1,
  created_at {{ts}} NOT NULL,
  updated_at {{ts}} NOT NULL
){{options}};
CREATE UNIQUE INDEX uq_users_phone ON users (phone);
CREATE INDEX idx_users_region ON users (region_code);

-- A session is one login; its refresh tokens rotate, and reuse of a used
-- one revokes the session.
CREATE TABLE IF NOT EXISTS sessions (
  id VARCHAR(36) NOT NULL PRIMARY KEY,
  user_id VARCHAR(36) NOT NULL,
  created_at {{ts}} NOT NULL,
  expires_at {{ts}} NOT NULL,
  revoked_at {{ts}} NULL,
  revoke_reason VARCHAR(32) NOT NULL DEFAULT ''
){{options}};
CREATE INDEX idx_sessions_user ON sessions (user_id);

CREATE TABLE IF NOT EXISTS refresh_tokens (
  hash VARCHAR(64) NOT NULL PRIMARY KEY,
  session_id VARCHAR(36) NOT NULL,
  created_at {{ts}} NOT NULL,
  expires_at {{ts}} NOT NULL,
  used_at {{ts}} NULL
){{options}};
CREATE INDEX idx_refresh_tokens_session ON refresh_tokens (session_id);

-- Fixed-window counters shared by every replica (login attempts per phone
-- and per IP).
CREATE TABLE IF NOT EXISTS rate_limits (
  bucket VARCHAR(128) NOT NULL PRIMARY KEY,
  window_start {{ts}} NOT NULL,
  hits INTEGER NOT NULL DEFAULT 0
){{options}};

CREATE TABLE IF NOT EXISTS commissioners (
  id VARCHAR(36) NOT NULL PRIMARY KEY,
  user_id VARCHAR(36) NOT NULL,
  name VARCHAR(50) NOT NULL,
  phone VARCHAR(20) NOT NULL,
  level VARCHAR(10) NOT NULL,
  organization VARCHAR(100) NOT NULL DEFAULT '',
  specialty VARCHAR(100) NOT NULL DEFAULT '',
  batch VARCHAR(50) NOT NULL DEFAULT '',
  term_start VARCHAR(10) NOT NULL DEFAULT '',
  term_end VARCHAR(10) NOT NULL DEFAULT '',
  region_code VARCHAR(12) NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at {{ts}} NOT NULL,
  updated_at {{ts}} NOT NULL,
  deleted_at {{ts}} NULL
){{options}};
CREATE UNIQUE INDEX uq_commissioners_user ON commissioners (user_id);
CREATE INDEX idx_commissioners_region ON commissioners (region_code);
CREATE INDEX idx_commissioners_batch ON commissioners (batch);

CREATE TABLE IF NOT EXISTS teams (
  id VARCHAR(36) NOT NULL PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  region_code VARCHAR(12) NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at {{ts}} NOT NULL,
  updated_at {{ts}} NOT NULL,
  deleted_at {{ts}} NULL
){{options}};
CREATE INDEX idx_teams_region ON teams (region_code);

CREATE TABLE IF NOT EXISTS team_members (
  team_id VARCHAR(36) NOT NULL,
  commissioner_id VARCHAR(36) NOT NULL,
  chief BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (team_id, commissioner_id)
){{options}};
CREATE INDEX idx_team_members_commissioner ON team_members (commissioner_id);

-- An assignment links a commissioner or a team to a village for a period;
-- end_date is empty while open-ended.
CREATE TABLE IF NOT EXISTS assignments (
  id VARCHAR(36) NOT NULL PRIMARY KEY,
  commissioner_id VARCHAR(36) NOT NULL DEFAULT '',
  team_id VARCHAR(36) NOT NULL DEFAULT '',
  village_code VARCHAR(12) NOT NULL,
  start_date VARCHAR(10) NOT NULL,
  end_date VARCHAR(10) NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  created_at {{ts}} NOT NULL,
  updated_at {{ts}} NOT NULL,
  deleted_at {{ts}} NULL
){{options}};
CREATE INDEX idx_assignments_village ON assignments (village_code);
CREATE INDEX idx_assignments_commissioner ON assignments (commissioner_id);
CREATE INDEX idx_assignments_team ON assignments (team_id);

CREATE TABLE IF NOT EXISTS audit_entries (
  id {{autoid}},
  at {{ts}} NOT NULL,
  actor_id VARCHAR(36) NOT NULL,
  actor_role VARCHAR(16) NOT NULL,
  record_type VARCHAR(24) NOT NULL,
  record_id VARCHAR(64) NOT NULL,
  action VARCHAR(16) NOT NULL,
  region_code VARCHAR(12) NOT NULL DEFAULT '',
  before_json {{text}} NULL,
  after_json {{text}} NULL,
  request_id VARCHAR(64) NOT NULL DEFAULT ''
){{options}};
CREATE INDEX idx_audit_record ON audit_entries (record_type, record_id, id);
CREATE INDEX idx_audit_region ON audit_entries (region_code, id);

-- The change log behind sync pull: one row per committed change of a
-- record a phone may hold.
CREATE TABLE IF NOT EXISTS changes (
  seq {{autoid}},
  record_type VARCHAR(24) NOT NULL,
  record_id VARCHAR(64) NOT NULL,
  op VARCHAR(8) NOT NULL,
  commissioner_id VARCHAR(36) NOT NULL DEFAULT '',
  region_code VARCHAR(12) NOT NULL DEFAULT '',
  at {{ts}} NOT NULL
){{options}};
CREATE INDEX idx_changes_commissioner ON changes (commissioner_id, seq);
CREATE INDEX idx_changes_region ON changes (region_code, seq);
