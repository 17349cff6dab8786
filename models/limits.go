package models

import "math"

// The bounds of the numbers a record may carry, in one place. Validation
// refuses anything outside them (and states them), the OpenAPI document
// gives them as maximum, and they are chosen so that no product or sum the
// statistics and the evaluation compute can leave int64 (±9.22e18):
//
//   - a figure of money one record adds to a sum is at most MaxFigureFen:
//     a harvest's plot-based increase (MaxIncreaseFenPerMu × MaxAreaMu), a
//     household's yearly income or its increase over the baseline
//     (MaxIncomeFen), a project's funds (MaxFundsFen). A sum of 92 million
//     such records, at the bound every one, still fits: a year of the whole
//     nation holds some 270,000 villages, far fewer plots and projects and
//     about 200 million households, whose bound is ten times lower;
//   - the products on the way are small: a harvest's gain per mu is at most
//     MaxYieldKgPerMu × MaxPriceFenPerKg = 1e13 (exact in float64 too), the
//     plot-based increase in fen × centi-mu at most 1e7 × 1e6 = 1e13;
//   - the counts a visit or training adds (farmers served, leaflets,
//     attendees) are at most MaxLeaflets: sixty years of the nation's 15
//     million visits a year at the bound stay below 1e16; areas add at most
//     MaxAreaMu × 100 centi-mu each.
const (
	MaxFigureFen        = 100_000_000_000 // 10 亿元
	MaxAreaMu           = 10_000          // 1 万亩
	MaxYieldKgPerMu     = 100_000
	MaxPriceFenPerKg    = 100_000_000 // 100 万元 per kg
	MaxCostFenPerMu     = 100_000_000 // 100 万元 per mu
	MaxIncreaseFenPerMu = 10_000_000  // 10 万元 per mu, either way
	MaxIncomeFen        = 10_000_000_000
	MaxFundsFen         = MaxFigureFen
	MaxFarmersServed    = 100_000
	MaxLeaflets         = 1_000_000
	MaxAttendees        = 100_000
)

// AreaDecimals is how many decimals an area in mu keeps: it is stored and
// summed in hundredths of a mu, so an area must be a whole number of them.
const AreaDecimals = 2

// WholeHundredths reports whether v is a whole number of hundredths (0.01,
// 12.34), allowing for the binary representation of the decimal sent.
func WholeHundredths(v float64) bool {
	c := v * 100
	return math.Abs(c-math.Round(c)) < 1e-6
}
