-- Photos: one row per photo a phone attached to a record. The bytes live
-- once per content in the photo store under photos/sha256/<hex>.
CREATE TABLE IF NOT EXISTS photos (
  id VARCHAR(36) NOT NULL PRIMARY KEY,
  commissioner_id VARCHAR(36) NOT NULL DEFAULT '',
  uploaded_by VARCHAR(36) NOT NULL,
  owner_type VARCHAR(24) NOT NULL,
  owner_id VARCHAR(36) NOT NULL,
  region_code VARCHAR(12) NOT NULL DEFAULT '',
  sha256 CHAR(64) NOT NULL,
  size BIGINT NOT NULL,
  content_type VARCHAR(32) NOT NULL,
  width INTEGER NOT NULL DEFAULT 0,
  height INTEGER NOT NULL DEFAULT 0,
  taken_at {{ts}} NULL,
  lat DOUBLE NULL,
  lng DOUBLE NULL,
  exif_taken_at {{ts}} NULL,
  exif_lat DOUBLE NULL,
  exif_lng DOUBLE NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at {{ts}} NOT NULL,
  updated_at {{ts}} NOT NULL,
  deleted_at {{ts}} NULL
){{options}};
CREATE INDEX idx_photos_owner ON photos (owner_type, owner_id, created_at, id);
CREATE INDEX idx_photos_sha256 ON photos (sha256);
CREATE INDEX idx_photos_commissioner ON photos (commissioner_id, created_at, id);
CREATE INDEX idx_photos_region ON photos (region_code, created_at, id);

-- One row per stored content. Writers lock it (an upsert) while they move
-- bytes into place or delete them, so that an upload and a delete or sweep
-- of the same content never interleave.
CREATE TABLE IF NOT EXISTS photo_blobs (
  sha256 CHAR(64) NOT NULL PRIMARY KEY,
  size BIGINT NOT NULL,
  content_type VARCHAR(32) NOT NULL,
  has_thumbnail BOOLEAN NOT NULL DEFAULT FALSE,
  touched_at {{ts}} NOT NULL
){{options}};

-- Work to do off the request path (thumbnails). A worker claims a row by
-- setting claimed_by/claimed_until in a conditional UPDATE; a claim that
-- runs out (a crashed replica) is taken over. Done rows are deleted.
CREATE TABLE IF NOT EXISTS photo_jobs (
  id {{autoid}},
  kind VARCHAR(16) NOT NULL,
  sha256 CHAR(64) NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  claimed_by VARCHAR(64) NOT NULL DEFAULT '',
  claimed_until {{ts}} NULL,
  last_error VARCHAR(255) NOT NULL DEFAULT '',
  created_at {{ts}} NOT NULL
){{options}};
CREATE UNIQUE INDEX uq_photo_jobs_kind_sha ON photo_jobs (kind, sha256);
CREATE INDEX idx_photo_jobs_claim ON photo_jobs (claimed_until);

-- Leases on resumable uploads, so that two replicas never write one upload
-- at once.
CREATE TABLE IF NOT EXISTS upload_locks (
  id VARCHAR(200) NOT NULL PRIMARY KEY,
  holder VARCHAR(64) NOT NULL DEFAULT '',
  held_until {{ts}} NULL
){{options}};
