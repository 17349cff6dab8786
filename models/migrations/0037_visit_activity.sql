-- The activity page's latest work of every commissioner under a region
-- (models.FieldActivityIn) reads, per visit, its village, commissioner,
-- date, time received, deletion and whether it carries an evidence flag.
-- flagged is that last fact as a generated column, so that one index
-- holds all of them and the page reads the index alone instead of
-- fetching every visit row of the region (at province level, 400,000 in
-- random order).
-- sqlite: ALTER TABLE visits ADD COLUMN flagged INTEGER GENERATED ALWAYS AS (CASE WHEN flags LIKE '%"%' THEN 1 ELSE 0 END) VIRTUAL;
-- mysql: ALTER TABLE visits ADD COLUMN flagged TINYINT AS (CASE WHEN flags LIKE '%"%' THEN 1 ELSE 0 END) VIRTUAL;
CREATE INDEX idx_visits_activity ON visits (village_code, commissioner_id, deleted_at, visit_date, received_at, flagged);
