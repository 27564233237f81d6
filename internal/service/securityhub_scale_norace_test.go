//go:build !race

package service_test

// scaleFindings is the size of TestScaleAdministratorAccount without the
// race detector: the full 50,000 findings of issue 5.
const scaleFindings = 50000
