//go:build race

package e2e

// raceEnabled builds the server with the race detector when the tests run
// with it, so that load finds the server's data races too.
const raceEnabled = true
