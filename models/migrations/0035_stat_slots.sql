-- Rollup rows that concurrent writers do not queue on (models/rollupslot.go).
--
-- Every shared aggregate row (a region's day, item or income year, and a
-- commissioner's day) is split into slots: the key gains a slot column and
-- a transaction adds its deltas to the rows of the one slot it holds, so
-- writers of the same day and region write different rows. Readers sum the
-- slots of a key. A slot is held by locking its stat_slots row until
-- commit (taken with SKIP LOCKED, lowest free first), so at low
-- concurrency everything lands in slot 0 and the rows multiply only by the
-- peak number of concurrent writers. Existing rows become slot 0: each
-- table is made anew with the slot in its key and its rows copied, on every
-- engine (TiDB cannot change the primary key of a clustered table).
CREATE TABLE IF NOT EXISTS stat_slots (
  slot SMALLINT NOT NULL PRIMARY KEY
){{options}};

INSERT INTO stat_slots (slot) VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11), (12), (13), (14), (15), (16), (17), (18), (19), (20), (21), (22), (23), (24), (25), (26), (27), (28), (29), (30), (31), (32), (33), (34), (35), (36), (37), (38), (39), (40), (41), (42), (43), (44), (45), (46), (47), (48), (49), (50), (51), (52), (53), (54), (55), (56), (57), (58), (59), (60), (61), (62), (63);

-- The (region, day, commissioner) keys with at least one live visit:
-- stat_days.visit_days counts them. A writer adding visits to a key only
-- share-locks its row (or inserts it, counting a new visit day); one taking
-- visits away locks it exclusively and re-counts the key's slots.
CREATE TABLE IF NOT EXISTS stat_visit_days (
  region_code VARCHAR(12) NOT NULL,
  day CHAR(10) NOT NULL,
  commissioner_id VARCHAR(36) NOT NULL,
  PRIMARY KEY (region_code, day, commissioner_id)
){{options}};

INSERT INTO stat_visit_days (region_code, day, commissioner_id)
SELECT region_code, day, commissioner_id FROM stat_activity WHERE visits > 0;


CREATE TABLE stat_activity_slotted (
region_code VARCHAR(12) NOT NULL,
day CHAR(10) NOT NULL,
commissioner_id VARCHAR(36) NOT NULL,
slot SMALLINT NOT NULL DEFAULT 0,
visits INTEGER NOT NULL DEFAULT 0,
farmers BIGINT NOT NULL DEFAULT 0,
leaflets BIGINT NOT NULL DEFAULT 0,
trainings INTEGER NOT NULL DEFAULT 0,
trainees BIGINT NOT NULL DEFAULT 0,
plots INTEGER NOT NULL DEFAULT 0,
plot_area_cmu BIGINT NOT NULL DEFAULT 0,
PRIMARY KEY (region_code, day, commissioner_id, slot)
){{options}};
INSERT INTO stat_activity_slotted (region_code, day, commissioner_id, slot, visits, farmers, leaflets, trainings, trainees, plots, plot_area_cmu) SELECT region_code, day, commissioner_id, 0, visits, farmers, leaflets, trainings, trainees, plots, plot_area_cmu FROM stat_activity;
DROP TABLE stat_activity;
ALTER TABLE stat_activity_slotted RENAME TO stat_activity;

CREATE TABLE stat_days_slotted (
region_code VARCHAR(12) NOT NULL,
day CHAR(10) NOT NULL,
slot SMALLINT NOT NULL DEFAULT 0,
visits INTEGER NOT NULL DEFAULT 0,
visit_days INTEGER NOT NULL DEFAULT 0,
farmers BIGINT NOT NULL DEFAULT 0,
leaflets BIGINT NOT NULL DEFAULT 0,
trainings INTEGER NOT NULL DEFAULT 0,
trainees BIGINT NOT NULL DEFAULT 0,
plots INTEGER NOT NULL DEFAULT 0,
plot_area_cmu BIGINT NOT NULL DEFAULT 0,
PRIMARY KEY (region_code, day, slot)
){{options}};
INSERT INTO stat_days_slotted (region_code, day, slot, visits, visit_days, farmers, leaflets, trainings, trainees, plots, plot_area_cmu) SELECT region_code, day, 0, visits, visit_days, farmers, leaflets, trainings, trainees, plots, plot_area_cmu FROM stat_days;
DROP TABLE stat_days;
ALTER TABLE stat_days_slotted RENAME TO stat_days;

CREATE TABLE stat_items_slotted (
region_code VARCHAR(12) NOT NULL,
commissioner_id VARCHAR(36) NOT NULL,
kind VARCHAR(10) NOT NULL,
day VARCHAR(10) NOT NULL,
item VARCHAR(100) NOT NULL,
slot SMALLINT NOT NULL DEFAULT 0,
n INTEGER NOT NULL DEFAULT 0,
PRIMARY KEY (region_code, commissioner_id, kind, day, item, slot)
){{options}};
INSERT INTO stat_items_slotted (region_code, commissioner_id, kind, day, item, slot, n) SELECT region_code, commissioner_id, kind, day, item, 0, n FROM stat_items;
DROP TABLE stat_items;
ALTER TABLE stat_items_slotted RENAME TO stat_items;

CREATE TABLE stat_incomes_slotted (
region_code VARCHAR(12) NOT NULL,
year INTEGER NOT NULL,
slot SMALLINT NOT NULL DEFAULT 0,
households INTEGER NOT NULL DEFAULT 0,
increased INTEGER NOT NULL DEFAULT 0,
increase_fen BIGINT NOT NULL DEFAULT 0,
plot_increase_fen BIGINT NOT NULL DEFAULT 0,
PRIMARY KEY (region_code, year, slot)
){{options}};
INSERT INTO stat_incomes_slotted (region_code, year, slot, households, increased, increase_fen, plot_increase_fen) SELECT region_code, year, 0, households, increased, increase_fen, plot_increase_fen FROM stat_incomes;
DROP TABLE stat_incomes;
ALTER TABLE stat_incomes_slotted RENAME TO stat_incomes;
