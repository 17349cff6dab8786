-- Indexes behind the field record lists: each list is ordered newest first
-- by (created_at, id) or by the record's own time, and filtered by owner or
-- by a region subtree (a range on the code column).
CREATE INDEX idx_plots_commissioner_created ON plots (commissioner_id, created_at, id);
CREATE INDEX idx_plots_village_created ON plots (village_code, created_at, id);
CREATE INDEX idx_plots_created ON plots (created_at, id);
CREATE INDEX idx_households_commissioner_created ON households (commissioner_id, created_at, id);
CREATE INDEX idx_households_village_created ON households (village_code, created_at, id);
CREATE INDEX idx_households_created ON households (created_at, id);
CREATE INDEX idx_projects_commissioner_created ON projects (commissioner_id, created_at, id);
CREATE INDEX idx_projects_region_created ON projects (region_code, created_at, id);
CREATE INDEX idx_projects_created ON projects (created_at, id);
CREATE INDEX idx_demands_region_created ON demands (region_code, created_at, id);
CREATE INDEX idx_demands_status_created ON demands (status, created_at, id);
CREATE INDEX idx_demands_claimed_created ON demands (claimed_by, created_at, id);
CREATE INDEX idx_demands_created ON demands (created_at, id);
CREATE INDEX idx_trainings_held ON trainings (held_at, id);
CREATE INDEX idx_harvests_plot_created ON harvests (plot_id, created_at, id);
CREATE INDEX idx_harvests_plot_season ON harvests (plot_id, season);
CREATE INDEX idx_incomes_household_created ON incomes (household_id, created_at, id);
