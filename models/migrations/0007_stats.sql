-- Pre-aggregated statistics, kept exact in the transaction of every record
-- write (models/rollups.go). Days are calendar days in Asia/Shanghai
-- (YYYY-MM-DD). region_code holds the record's own region and each of its
-- ancestors, so that a rollup by any level is an equality, not a scan.
-- Counts are changed by atomic increments; a row whose counts fall to zero
-- stays and is ignored by the queries.

-- Per region, commissioner and day: what the commissioner did there.
-- visits is also the reference count behind stat_days.visit_days.
CREATE TABLE IF NOT EXISTS stat_activity (
  region_code VARCHAR(12) NOT NULL,
  day CHAR(10) NOT NULL,
  commissioner_id VARCHAR(36) NOT NULL,
  visits INTEGER NOT NULL DEFAULT 0,
  farmers BIGINT NOT NULL DEFAULT 0,
  leaflets BIGINT NOT NULL DEFAULT 0,
  trainings INTEGER NOT NULL DEFAULT 0,
  trainees BIGINT NOT NULL DEFAULT 0,
  plots INTEGER NOT NULL DEFAULT 0,
  plot_area_cmu BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (region_code, day, commissioner_id)
){{options}};

-- Per region and day: the sums of stat_activity, and visit_days = how many
-- commissioners have at least one visit in the region that day.
CREATE TABLE IF NOT EXISTS stat_days (
  region_code VARCHAR(12) NOT NULL,
  day CHAR(10) NOT NULL,
  visits INTEGER NOT NULL DEFAULT 0,
  visit_days INTEGER NOT NULL DEFAULT 0,
  farmers BIGINT NOT NULL DEFAULT 0,
  leaflets BIGINT NOT NULL DEFAULT 0,
  trainings INTEGER NOT NULL DEFAULT 0,
  trainees BIGINT NOT NULL DEFAULT 0,
  plots INTEGER NOT NULL DEFAULT 0,
  plot_area_cmu BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (region_code, day)
){{options}};

-- Technologies and varieties named by records, reference-counted per
-- region (commissioner_id '') at every level, and per commissioner at the
-- record's own region; kind is 'technology' or 'variety'. Kind 'village'
-- items are the rural villages visited (item = the village code), per
-- region at every level, for coverage. day is the day;
-- region rows above village level are also kept by month (YYYY-MM) and
-- year (YYYY), so that a distinct count over whole months and years reads
-- one row per item.
CREATE TABLE IF NOT EXISTS stat_items (
  region_code VARCHAR(12) NOT NULL,
  commissioner_id VARCHAR(36) NOT NULL,
  kind VARCHAR(10) NOT NULL,
  day VARCHAR(10) NOT NULL,
  item VARCHAR(100) NOT NULL,
  n INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (region_code, commissioner_id, kind, day, item)
){{options}};

-- A household's income in a year: the sum of its income records for the
-- year, and how many there are.
CREATE TABLE IF NOT EXISTS stat_household_years (
  household_id VARCHAR(36) NOT NULL,
  year INTEGER NOT NULL,
  income_fen BIGINT NOT NULL DEFAULT 0,
  records INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (household_id, year)
){{options}};

-- Per region and year: households counted for the income rollup, how many
-- increased, the net increase, and the plot-based increase.
CREATE TABLE IF NOT EXISTS stat_incomes (
  region_code VARCHAR(12) NOT NULL,
  year INTEGER NOT NULL,
  households INTEGER NOT NULL DEFAULT 0,
  increased INTEGER NOT NULL DEFAULT 0,
  increase_fen BIGINT NOT NULL DEFAULT 0,
  plot_increase_fen BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (region_code, year)
){{options}};
