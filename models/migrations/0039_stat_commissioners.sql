-- The activity page's commissioners (models/rollupcommissioners.go).
--
-- stat_commissioners holds, per region and commissioner, the latest day of
-- a live visit and of a live training of that commissioner under the
-- region, kept on every write: the page orders a province's commissioners
-- (the quiet ones first) from its 8,000 rows instead of reading the
-- province's visits and trainings. Every commissioner with activity under
-- a region has a row there, so the rows also name the commissioners based
-- elsewhere who may have figures under it.
CREATE TABLE IF NOT EXISTS stat_commissioners (
  region_code VARCHAR(12) NOT NULL,
  commissioner_id VARCHAR(36) NOT NULL,
  last_visit CHAR(10) NOT NULL DEFAULT '',
  last_training CHAR(10) NOT NULL DEFAULT '',
  PRIMARY KEY (region_code, commissioner_id)
){{options}};

-- Filled from the rollups kept so far: the keys with live visits
-- (stat_visit_days), the days with trainings (stat_activity, its slots
-- summed), and a row with no day for every other commissioner with
-- activity rows under a region.
INSERT INTO stat_commissioners (region_code, commissioner_id, last_visit, last_training)
SELECT region_code, commissioner_id, MAX(day), '' FROM stat_visit_days GROUP BY region_code, commissioner_id;

-- mysql: INSERT INTO stat_commissioners (region_code, commissioner_id, last_visit, last_training)
-- mysql: SELECT region_code, commissioner_id, '', MAX(day) FROM (SELECT region_code, day, commissioner_id FROM stat_activity
-- mysql: GROUP BY region_code, day, commissioner_id HAVING SUM(trainings) > 0) t GROUP BY region_code, commissioner_id
-- mysql: ON DUPLICATE KEY UPDATE last_training = VALUES(last_training);
-- sqlite: INSERT INTO stat_commissioners (region_code, commissioner_id, last_visit, last_training)
-- sqlite: SELECT region_code, commissioner_id, '', MAX(day) FROM (SELECT region_code, day, commissioner_id FROM stat_activity
-- sqlite: GROUP BY region_code, day, commissioner_id HAVING SUM(trainings) > 0) t WHERE true GROUP BY region_code, commissioner_id
-- sqlite: ON CONFLICT (region_code, commissioner_id) DO UPDATE SET last_training = excluded.last_training;

-- mysql: INSERT IGNORE INTO stat_commissioners (region_code, commissioner_id, last_visit, last_training)
-- mysql: SELECT DISTINCT region_code, commissioner_id, '', '' FROM stat_activity;
-- sqlite: INSERT OR IGNORE INTO stat_commissioners (region_code, commissioner_id, last_visit, last_training)
-- sqlite: SELECT DISTINCT region_code, commissioner_id, '', '' FROM stat_activity;

-- The page sums the period's activity of the commissioners it shows, a
-- hundred of a province's, from their own rows.
CREATE INDEX idx_stat_activity_commissioner ON stat_activity (region_code, commissioner_id, day);
