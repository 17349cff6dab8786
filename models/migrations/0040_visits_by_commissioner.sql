-- The activity page reads, for the hundred commissioners it shows, when
-- each last delivered a visit under the region and its flagged visits of
-- the period (models.DB.ActivityOf). This index holds every column that
-- reads, commissioner first: the database reads those commissioners'
-- entries alone, in order, instead of fetching each of their visits (at
-- province level, 5,000 rows in random order).
CREATE INDEX idx_visits_commissioner_activity ON visits (commissioner_id, village_code, deleted_at, visit_date, received_at, flagged);
