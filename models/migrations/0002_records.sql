-- Field records. Every one carries the phone-generated id, its owner, a
-- version, the hash of the body it was created with (idempotent create) and
-- a soft-delete time.
CREATE TABLE IF NOT EXISTS visits (
  id VARCHAR(36) NOT NULL PRIMARY KEY,
  commissioner_id VARCHAR(36) NOT NULL,
  village_code VARCHAR(12) NOT NULL,
  started_at {{ts}} NOT NULL,
  ended_at {{ts}} NOT NULL,
  visit_date VARCHAR(10) NOT NULL,
  lat DOUBLE NULL,
  lng DOUBLE NULL,
  accuracy_m DOUBLE NULL,
  category VARCHAR(50) NOT NULL DEFAULT '',
  crops {{text}} NULL,
  problem {{text}} NULL,
  advice {{text}} NULL,
  farmers_served INTEGER NOT NULL DEFAULT 0,
  household_ids {{text}} NULL,
  leaflets INTEGER NOT NULL DEFAULT 0,
  technologies {{text}} NULL,
  varieties {{text}} NULL,
  notes {{text}} NULL,
  flags {{text}} NULL,
  device_time {{ts}} NULL,
  received_at {{ts}} NOT NULL,
  create_hash VARCHAR(64) NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  created_at {{ts}} NOT NULL,
  updated_at {{ts}} NOT NULL,
  deleted_at {{ts}} NULL
){{options}};
CREATE INDEX idx_visits_village ON visits (village_code, started_at);
CREATE INDEX idx_visits_commissioner ON visits (commissioner_id, started_at);
CREATE INDEX idx_visits_started ON visits (started_at);

CREATE TABLE IF NOT EXISTS trainings (
  id VARCHAR(36) NOT NULL PRIMARY KEY,
  commissioner_id VARCHAR(36) NOT NULL,
  region_code VARCHAR(12) NOT NULL,
  title VARCHAR(200) NOT NULL,
  held_at {{ts}} NOT NULL,
  held_date VARCHAR(10) NOT NULL,
  hours DOUBLE NOT NULL DEFAULT 0,
  attendees INTEGER NOT NULL DEFAULT 0,
  women_attendees INTEGER NULL,
  topics {{text}} NULL,
  technologies {{text}} NULL,
  create_hash VARCHAR(64) NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  created_at {{ts}} NOT NULL,
  updated_at {{ts}} NOT NULL,
  deleted_at {{ts}} NULL
){{options}};
CREATE INDEX idx_trainings_region ON trainings (region_code, held_at);
CREATE INDEX idx_trainings_commissioner ON trainings (commissioner_id, held_at);

CREATE TABLE IF NOT EXISTS plots (
  id VARCHAR(36) NOT NULL PRIMARY KEY,
  commissioner_id VARCHAR(36) NOT NULL,
  village_code VARCHAR(12) NOT NULL,
  name VARCHAR(100) NOT NULL,
  crop VARCHAR(50) NOT NULL DEFAULT '',
  variety VARCHAR(100) NOT NULL DEFAULT '',
  technology VARCHAR(200) NOT NULL DEFAULT '',
  area_mu DECIMAL(12,2) NOT NULL DEFAULT 0,
  lat DOUBLE NULL,
  lng DOUBLE NULL,
  boundary {{text}} NULL,
  established_on VARCHAR(10) NOT NULL DEFAULT '',
  create_hash VARCHAR(64) NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  created_at {{ts}} NOT NULL,
  updated_at {{ts}} NOT NULL,
  deleted_at {{ts}} NULL
){{options}};
CREATE INDEX idx_plots_village ON plots (village_code);
CREATE INDEX idx_plots_commissioner ON plots (commissioner_id);

CREATE TABLE IF NOT EXISTS plot_observations (
  id VARCHAR(36) NOT NULL PRIMARY KEY,
  plot_id VARCHAR(36) NOT NULL,
  commissioner_id VARCHAR(36) NOT NULL,
  observed_at {{ts}} NOT NULL,
  stage VARCHAR(50) NOT NULL DEFAULT '',
  notes {{text}} NULL,
  create_hash VARCHAR(64) NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  created_at {{ts}} NOT NULL,
  updated_at {{ts}} NOT NULL,
  deleted_at {{ts}} NULL
){{options}};
CREATE INDEX idx_plot_observations_plot ON plot_observations (plot_id, observed_at);

-- income_increase_fen_per_mu is derived: (yield - baseline yield) * price
-- - (cost - baseline cost), kept right on every change.
CREATE TABLE IF NOT EXISTS harvests (
  id VARCHAR(36) NOT NULL PRIMARY KEY,
  plot_id VARCHAR(36) NOT NULL,
  commissioner_id VARCHAR(36) NOT NULL,
  season VARCHAR(20) NOT NULL,
  harvested_on VARCHAR(10) NOT NULL,
  yield_kg_per_mu DOUBLE NOT NULL DEFAULT 0,
  baseline_yield_kg_per_mu DOUBLE NOT NULL DEFAULT 0,
  price_fen_per_kg BIGINT NOT NULL DEFAULT 0,
  cost_fen_per_mu BIGINT NOT NULL DEFAULT 0,
  baseline_cost_fen_per_mu BIGINT NOT NULL DEFAULT 0,
  income_increase_fen_per_mu BIGINT NOT NULL DEFAULT 0,
  create_hash VARCHAR(64) NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  created_at {{ts}} NOT NULL,
  updated_at {{ts}} NOT NULL,
  deleted_at {{ts}} NULL
){{options}};
CREATE INDEX idx_harvests_plot ON harvests (plot_id, harvested_on);

CREATE TABLE IF NOT EXISTS households (
  id VARCHAR(36) NOT NULL PRIMARY KEY,
  commissioner_id VARCHAR(36) NOT NULL,
  village_code VARCHAR(12) NOT NULL,
  head_name VARCHAR(50) NOT NULL,
  members INTEGER NOT NULL DEFAULT 0,
  baseline_year INTEGER NOT NULL,
  baseline_income_fen BIGINT NOT NULL DEFAULT 0,
  create_hash VARCHAR(64) NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  created_at {{ts}} NOT NULL,
  updated_at {{ts}} NOT NULL,
  deleted_at {{ts}} NULL
){{options}};
CREATE INDEX idx_households_village ON households (village_code);
CREATE INDEX idx_households_commissioner ON households (commissioner_id);

CREATE TABLE IF NOT EXISTS incomes (
  id VARCHAR(36) NOT NULL PRIMARY KEY,
  household_id VARCHAR(36) NOT NULL,
  commissioner_id VARCHAR(36) NOT NULL,
  year INTEGER NOT NULL,
  income_fen BIGINT NOT NULL DEFAULT 0,
  create_hash VARCHAR(64) NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  created_at {{ts}} NOT NULL,
  updated_at {{ts}} NOT NULL,
  deleted_at {{ts}} NULL
){{options}};
CREATE INDEX idx_incomes_household ON incomes (household_id, year);

CREATE TABLE IF NOT EXISTS projects (
  id VARCHAR(36) NOT NULL PRIMARY KEY,
  commissioner_id VARCHAR(36) NOT NULL DEFAULT '',
  team_id VARCHAR(36) NOT NULL DEFAULT '',
  region_code VARCHAR(12) NOT NULL,
  title VARCHAR(200) NOT NULL,
  funds_fen BIGINT NOT NULL DEFAULT 0,
  start_date VARCHAR(10) NOT NULL DEFAULT '',
  end_date VARCHAR(10) NOT NULL DEFAULT '',
  create_hash VARCHAR(64) NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  created_at {{ts}} NOT NULL,
  updated_at {{ts}} NOT NULL,
  deleted_at {{ts}} NULL
){{options}};
CREATE INDEX idx_projects_region ON projects (region_code);
CREATE INDEX idx_projects_commissioner ON projects (commissioner_id);

-- A demand is raised by a village or township office ("订单式") and
-- claimed and resolved by a commissioner ("菜单式").
CREATE TABLE IF NOT EXISTS demands (
  id VARCHAR(36) NOT NULL PRIMARY KEY,
  raised_by VARCHAR(36) NOT NULL,
  commissioner_id VARCHAR(36) NOT NULL DEFAULT '',
  region_code VARCHAR(12) NOT NULL,
  title VARCHAR(200) NOT NULL,
  description {{text}} NULL,
  category VARCHAR(50) NOT NULL DEFAULT '',
  status VARCHAR(10) NOT NULL,
  claimed_by VARCHAR(36) NOT NULL DEFAULT '',
  claimed_at {{ts}} NULL,
  resolution {{text}} NULL,
  resolved_at {{ts}} NULL,
  create_hash VARCHAR(64) NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  created_at {{ts}} NOT NULL,
  updated_at {{ts}} NOT NULL,
  deleted_at {{ts}} NULL
){{options}};
CREATE INDEX idx_demands_region ON demands (region_code, status);
CREATE INDEX idx_demands_claimed ON demands (claimed_by);
