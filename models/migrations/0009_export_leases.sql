-- Leases on a user's concurrent exports (models/exportleases.go): a user
-- holds at most ExportsPerUser slots at once, on every replica, because
-- the slots live here. A slot is taken by inserting or by overwriting a
-- lapsed lease, renewed while its export runs and deleted when it ends; a
-- replica that dies mid-export frees its slots when their lease lapses.
CREATE TABLE IF NOT EXISTS export_leases (
  user_id VARCHAR(36) NOT NULL,
  slot INTEGER NOT NULL,
  holder VARCHAR(64) NOT NULL DEFAULT '',
  held_until {{ts}} NULL,
  PRIMARY KEY (user_id, slot)
){{options}};
