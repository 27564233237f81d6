//go:build !race

package securityhub_test

// apiScaleFindings is the size of TestScaleReadAndMark without the race
// detector: issue 5's full 50,000 findings.
const apiScaleFindings = 50000
