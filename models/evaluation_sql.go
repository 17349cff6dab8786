package models

// The evaluation's GROUP BY commissioner queries over the raw record
// tables. Each %s is the commissioner scope (evalScope.scopeSQL, alias c);
// its arguments come first in the WHERE clause, then the ones listed.

// sqlEvalVisits: a = visits, b = distinct Asia/Shanghai visit days; args:
// first and last date of the year.
const sqlEvalVisits = `SELECT c.id AS cid, COUNT(*) AS a, COUNT(DISTINCT v.visit_date) AS b
FROM commissioners c JOIN visits v ON v.commissioner_id = c.id
WHERE %s AND v.deleted_at IS NULL AND v.visit_date >= ? AND v.visit_date <= ?
GROUP BY c.id`

// sqlEvalTrainings: a = trainings held in the year, b = their attendees.
const sqlEvalTrainings = `SELECT c.id AS cid, COUNT(*) AS a, COALESCE(SUM(t.attendees), 0) AS b
FROM commissioners c JOIN trainings t ON t.commissioner_id = c.id
WHERE %s AND t.deleted_at IS NULL AND t.held_date >= ? AND t.held_date <= ?
GROUP BY c.id`

// plotInYear holds for a plot of the year, on the day the statistics count
// it (plotDay): its established_on, or without one the day it was stored;
// args: first and last date, then the year's UTC bounds [from, to).
const plotInYear = `p.village_code <> '' AND (p.established_on >= ? AND p.established_on <= ?
  OR p.established_on = '' AND p.created_at >= ? AND p.created_at < ?)`

// sqlEvalPlots: a = plots of the year (plotInYear), b = their area in mu.
var sqlEvalPlots = `SELECT c.id AS cid, COUNT(*) AS a, COALESCE(SUM(p.area_mu), 0) AS b
FROM commissioners c JOIN plots p ON p.commissioner_id = c.id
WHERE %s AND p.deleted_at IS NULL AND ` + plotInYear + `
GROUP BY c.id`

// sqlEvalDemands: a = demands the commissioner claimed that were resolved
// in the year; args: the year's UTC bounds [from, to).
const sqlEvalDemands = `SELECT c.id AS cid, COUNT(*) AS a, 0 AS b
FROM commissioners c JOIN demands d ON d.claimed_by = c.id
WHERE %s AND d.deleted_at IS NULL AND d.status = 'resolved' AND d.resolved_at >= ? AND d.resolved_at < ?
GROUP BY c.id`

// sqlEvalHouseholds: a = the sum over the commissioner's households with a
// baseline from an earlier year and an income for the year of (income −
// baseline), the year's income summed over its records as the statistics
// sum it (a unique key keeps one record per household and year); args:
// the year, twice.
const sqlEvalHouseholds = `SELECT x.cid AS cid, SUM(x.inc - x.base) AS a, 0 AS b FROM (
  SELECT c.id AS cid, h.id AS hid, h.baseline_income_fen AS base, SUM(i.income_fen) AS inc
  FROM commissioners c JOIN households h ON h.commissioner_id = c.id JOIN incomes i ON i.household_id = h.id
  WHERE %s AND h.deleted_at IS NULL AND i.deleted_at IS NULL AND i.year = ? AND h.baseline_year < ?
  GROUP BY c.id, h.id, h.baseline_income_fen
) x GROUP BY x.cid`

// sqlEvalHarvests: a = the plot-based income increase over the
// commissioner's harvests in the year (fen); the first %s is each
// harvest's increase (evalScope.plotIncreaseSQL), the second the scope.
const sqlEvalHarvests = `SELECT c.id AS cid, COALESCE(SUM(%s), 0) AS a, 0 AS b
FROM commissioners c JOIN harvests hv ON hv.commissioner_id = c.id JOIN plots p ON p.id = hv.plot_id
WHERE %s AND hv.deleted_at IS NULL AND p.deleted_at IS NULL AND hv.harvested_on >= ? AND hv.harvested_on <= ?
GROUP BY c.id`

// sqlEvalPlotNames selects (cid, kind, name) for a plot's technology or
// variety; %s: kind, column, scope, column; args as plotInYear's.
var sqlEvalPlotNames = `SELECT c.id AS cid, '%s' AS kind, %s AS name
FROM commissioners c JOIN plots p ON p.commissioner_id = c.id
WHERE %s AND p.deleted_at IS NULL AND %s <> '' AND ` + plotInYear

// sqlEvalVillages: a = distinct villages assigned (directly or through a
// team) by an assignment active at some time in the year, b = how many of
// them the commissioner visited in the year; args: first and last date
// (visits), then per branch the scope, last and first date.
const sqlEvalVillages = `SELECT av.cid AS cid, COUNT(*) AS a,
  SUM(CASE WHEN EXISTS (SELECT 1 FROM visits v WHERE v.commissioner_id = av.cid AND v.village_code = av.village_code
    AND v.deleted_at IS NULL AND v.visit_date >= ? AND v.visit_date <= ?) THEN 1 ELSE 0 END) AS b
FROM (
  SELECT c.id AS cid, a.village_code AS village_code
  FROM commissioners c JOIN assignments a ON a.commissioner_id = c.id
  WHERE %s AND a.deleted_at IS NULL AND a.start_date <= ? AND (a.end_date = '' OR a.end_date >= ?)
  UNION
  SELECT c.id AS cid, a.village_code AS village_code
  FROM commissioners c JOIN team_members tm ON tm.commissioner_id = c.id
    JOIN teams t ON t.id = tm.team_id AND t.deleted_at IS NULL
    JOIN assignments a ON a.team_id = t.id
  WHERE %s AND a.deleted_at IS NULL AND a.start_date <= ? AND (a.end_date = '' OR a.end_date >= ?)
) av GROUP BY av.cid`

// sqlEvalFlags lists the commissioners' flagged visits of the year.
const sqlEvalFlags = `SELECT c.id AS cid, v.flags AS flags
FROM commissioners c JOIN visits v ON v.commissioner_id = c.id
WHERE %s AND v.deleted_at IS NULL AND v.visit_date >= ? AND v.visit_date <= ?
  AND v.flags IS NOT NULL AND v.flags <> '' AND v.flags <> '[]' AND v.flags <> 'null'`

// sqlEvalRoster lists the commissioners in scope.
const sqlEvalRoster = `SELECT c.id AS id, c.name AS name FROM commissioners c WHERE %s ORDER BY c.id`
