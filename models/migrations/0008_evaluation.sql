-- Annual evaluation (年度考核): rubrics per year and region, the stored
-- result of the latest run per year and region (with its lock), and the
-- bureaus' manual adjustments, kept across re-runs.
CREATE TABLE IF NOT EXISTS evaluation_rubrics (
  year INTEGER NOT NULL,
  region_code VARCHAR(12) NOT NULL,
  rubric {{text}} NOT NULL,
  updated_by VARCHAR(36) NOT NULL,
  updated_at {{ts}} NOT NULL,
  PRIMARY KEY (year, region_code)
){{options}};

-- rubric is the rubric the run used, frozen so that a later PUT does not
-- change a computed (or locked) year.
CREATE TABLE IF NOT EXISTS evaluation_runs (
  year INTEGER NOT NULL,
  region_code VARCHAR(12) NOT NULL,
  rubric {{text}} NOT NULL,
  commissioners INTEGER NOT NULL DEFAULT 0,
  run_by VARCHAR(36) NOT NULL,
  run_at {{ts}} NOT NULL,
  locked_by VARCHAR(36) NOT NULL DEFAULT '',
  locked_at {{ts}} NULL,
  PRIMARY KEY (year, region_code)
){{options}};

-- Points are kept in hundredths (centi-points) so that equal scores compare
-- equal on both dialects.
CREATE TABLE IF NOT EXISTS evaluation_results (
  year INTEGER NOT NULL,
  region_code VARCHAR(12) NOT NULL,
  commissioner_id VARCHAR(36) NOT NULL,
  name VARCHAR(50) NOT NULL,
  base_centi BIGINT NOT NULL DEFAULT 0,
  deduction_centi BIGINT NOT NULL DEFAULT 0,
  indicators {{text}} NOT NULL,
  flags {{text}} NOT NULL,
  PRIMARY KEY (year, region_code, commissioner_id)
){{options}};
CREATE INDEX idx_evaluation_results_commissioner ON evaluation_results (commissioner_id, year);

CREATE TABLE IF NOT EXISTS evaluation_adjustments (
  id VARCHAR(36) NOT NULL PRIMARY KEY,
  year INTEGER NOT NULL,
  region_code VARCHAR(12) NOT NULL,
  commissioner_id VARCHAR(36) NOT NULL,
  centi BIGINT NOT NULL,
  reason {{text}} NOT NULL,
  actor_id VARCHAR(36) NOT NULL,
  created_at {{ts}} NOT NULL
){{options}};
CREATE INDEX idx_evaluation_adjustments_eval ON evaluation_adjustments (year, region_code, commissioner_id, created_at);
