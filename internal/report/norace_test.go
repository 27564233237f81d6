//go:build !race

package report

// raceEnabled is true when the tests run with the race detector, which
// makes large workbooks ten times slower to write.
const raceEnabled = false
