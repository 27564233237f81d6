//go:build race

package service_test

// scaleFindings is the size of TestScaleAdministratorAccount under the
// race detector, which makes the run 5 to 10 times slower: a tenth of the
// 50,000 findings keeps `go test -race` within about a minute. The full
// size runs without -race.
const scaleFindings = 5000
