//go:build !race

package service_test

// defaultScaleFindings is the size of TestScaleAdministratorAccount
// without the race detector. HUBRELAY_SCALE_FINDINGS=50000 runs issue 5's
// full size (see the test's comment for why that is not the default).
const defaultScaleFindings = 5000
