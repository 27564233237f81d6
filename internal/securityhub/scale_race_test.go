//go:build race

package securityhub_test

// apiScaleFindings is the size of TestScaleReadAndMark under the race
// detector, which makes the run 5 to 10 times slower: 1,700 findings (two
// pages per query) keep the package's `go test -race` within about a
// minute. The full 50,000 run without -race.
const apiScaleFindings = 1700
