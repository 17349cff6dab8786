package security_test

import (
	"testing"

	"github.com/tepai/tepai/models"
)

// boundsHeld fails when a stored figure lies outside the limits that keep
// the statistics and the evaluation from overflowing (models/limits.go):
// whatever a fuzzed body holds, what was accepted must be inside them, and
// an area must be stored as a whole number of hundredths of a mu, as sent.
func (w *world) boundsHeld(t *testing.T) {
	var n int64
	err := w.env.DB().Raw(`SELECT
  (SELECT COUNT(*) FROM plots WHERE area_mu < 0.01 OR area_mu > ? OR ABS(area_mu * 100 - ROUND(area_mu * 100)) > 0.000001) +
  (SELECT COUNT(*) FROM harvests WHERE income_increase_fen_per_mu < ? OR income_increase_fen_per_mu > ?) +
  (SELECT COUNT(*) FROM households WHERE baseline_income_fen < 0 OR baseline_income_fen > ?) +
  (SELECT COUNT(*) FROM incomes WHERE income_fen < 0 OR income_fen > ?) +
  (SELECT COUNT(*) FROM projects WHERE funds_fen < 0 OR funds_fen > ?)`,
		models.MaxAreaMu, -models.MaxIncreaseFenPerMu, models.MaxIncreaseFenPerMu,
		models.MaxIncomeFen, models.MaxIncomeFen, models.MaxFundsFen).Scan(&n).Error
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%s: %d stored records outside the limits", w.env.Backend, n)
	}
}
