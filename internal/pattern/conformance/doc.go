// Package conformance holds an independent conformance suite for the
// EventBridge pattern engine in package pattern. It has no code of its own:
// the suite is conformance_test.go plus the cases in testdata/, written from
// the Amazon EventBridge User Guide and the aws/event-ruler README and tests
// (see README.md). Nothing imports this package.
package conformance
