//go:build race

package service_test

// defaultScaleFindings is the size of TestScaleAdministratorAccount under
// the race detector, which makes the run 5 to 10 times slower: 2,000
// findings keep `go test -race` of the package within about a minute.
const defaultScaleFindings = 2000
