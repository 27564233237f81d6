// Package notifytest holds the helpers every destination test uses: golden
// payload files with an -update flag, a scripted HTTP server that records
// requests, an Env with a fixed clock and captured logs, sample messages
// built from published Security Hub findings, and the two contract checks
// every HTTP destination must pass: CheckRetry (failures are classified
// the way the notify package defines) and CheckNoSecretLeak (no secret in
// errors or logs, however the destination fails).
//
// It imports only the standard library and hubrelay's notify and finding
// packages, and is imported only by tests.
package notifytest
