//go:build race

package service_test

// defaultScaleFindings is the size of TestScaleAdministratorAccount under
// the race detector, which makes the run 5 to 10 times slower: 1,000
// findings (one GetFindings page per query) keep `go test -race` of the
// package within about a minute. Without -race the default is 5,000, and
// HUBRELAY_SCALE_FINDINGS sets any size.
const defaultScaleFindings = 1000
