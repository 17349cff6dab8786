-- Offline sync: team assignments in the change log, the committed-prefix
-- watermark behind pull cursors, push receipts with device clocks, and the
-- villages' reference points for the GPS evidence check.

-- A team's assignments reach every member's phone.
ALTER TABLE changes ADD COLUMN team_id VARCHAR(36) NOT NULL DEFAULT '';
CREATE INDEX idx_changes_team ON changes (team_id, seq);

-- sync_state holds one row: the highest seq below which every seq of the
-- change log is committed or known abandoned (see models/synclog.go).
CREATE TABLE IF NOT EXISTS sync_state (
  id INTEGER NOT NULL PRIMARY KEY,
  watermark BIGINT NOT NULL DEFAULT 0,
  updated_at {{ts}} NOT NULL
){{options}};
-- mysql: INSERT IGNORE INTO sync_state (id, watermark, updated_at) VALUES (1, 0, UTC_TIMESTAMP(3));
-- sqlite: INSERT OR IGNORE INTO sync_state (id, watermark, updated_at) VALUES (1, 0, CURRENT_TIMESTAMP);

-- change_gaps remembers when a missing seq above the watermark was first
-- seen, so that it is passed over only once it is older than the grace
-- period (a rolled-back transaction leaves a permanent gap).
CREATE TABLE IF NOT EXISTS change_gaps (
  seq BIGINT NOT NULL PRIMARY KEY,
  seen_at {{ts}} NOT NULL
){{options}};

-- One row per push a device made: who, which device, the device's claimed
-- time and the server's receive time.
CREATE TABLE IF NOT EXISTS sync_pushes (
  id {{autoid}},
  user_id VARCHAR(36) NOT NULL,
  device_id VARCHAR(100) NOT NULL,
  device_time {{ts}} NULL,
  received_at {{ts}} NOT NULL,
  clock_skew_ms BIGINT NULL,
  changes INTEGER NOT NULL DEFAULT 0,
  request_id VARCHAR(64) NOT NULL DEFAULT ''
){{options}};
CREATE INDEX idx_sync_pushes_user ON sync_pushes (user_id, id);
CREATE INDEX idx_sync_pushes_device ON sync_pushes (device_id, id);

-- A village's reference point set by a bureau; without one, the median of
-- the village's visit points serves once it has five.
CREATE TABLE IF NOT EXISTS reference_points (
  code VARCHAR(12) NOT NULL PRIMARY KEY,
  lat DOUBLE NOT NULL,
  lng DOUBLE NOT NULL,
  set_by VARCHAR(36) NOT NULL,
  updated_at {{ts}} NOT NULL
){{options}};
