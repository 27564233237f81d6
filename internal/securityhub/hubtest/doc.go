// Package hubtest is an in-process AWS Security Hub API for tests and the
// demo. A Server listens on 127.0.0.1 and answers the REST-JSON wire
// protocol of the Security Hub API as the AWS SDK for Go v2 client
// (service/securityhub) speaks it, so code under test uses its real client
// against it:
//
//	hub := hubtest.NewTest(t, hubtest.Options{})
//	if err := hub.AddFindings(raw); err != nil { ... }
//	out, err := hub.Client().GetFindings(ctx, &securityhub.GetFindingsInput{...})
//
// # Operations
//
// GetFindings, BatchImportFindings and BatchUpdateFindings (ASFF);
// GetFindingsV2 and BatchUpdateFindingsV2 (OCSF); ListMembers;
// CreateActionTarget, DescribeActionTargets, UpdateActionTarget and
// DeleteActionTarget. Every other Security Hub operation is answered with a
// 400 error of code "UnsupportedOperation" naming it; a path that is no
// Security Hub operation gets a 404 "UnknownOperationException".
//
// Requests are checked the way the service checks them: a Signature Version 4
// Authorization header scoped to the server's region and the "securityhub"
// service, signed with the server's credentials (Client and AWSConfig carry
// them); then the documented limits of each operation. Errors come back as
// the service sends them, a JSON body {"Code": …, "Message": …} and the
// X-Amzn-ErrorType header, so the SDK returns its typed errors
// (*types.InvalidInputException, *types.ResourceNotFoundException,
// *types.ValidationException, …).
//
// # Filters
//
// GetFindings compiles Filters with pattern.FromFilters and matches every
// stored finding wrapped in its EventBridge event (finding.Wrap), so this
// server and hubrelay's routes agree on what a filter selects. GetFindingsV2
// evaluates the V2 OcsfFindingFilters (composite filters of string, number,
// date, boolean, map and IP filters on OCSF field paths) itself; see
// filterv2.go for the decisions where the API reference is silent.
//
// # Throttling
//
// With Options.Throttle, each operation has a token bucket with the limits
// the Security Hub API reference documents (GetFindings 3 requests per
// second with a burst of 6; every other operation 10 per second with a burst
// of 30). A throttled request gets HTTP 429 with TooManyRequestsException
// (the V1 operations, as the service answers them) or ThrottlingException
// (the V2 operations, whose model declares it); the SDK's standard retryer
// treats both as throttling and retries them with back-off.
//
// The buckets read Options.Now. A Clock shared with the client under test
// (securityhub.Options.Clock) makes the whole exchange run in virtual
// time: the client's rate limits and retry back-off move the clock instead
// of waiting, and the server measures the rates in the same time, so
// hundreds of rate-limited calls take milliseconds and a client that went
// faster than the limits would still be throttled.
//
// # OCSF findings
//
// AddOCSF stores findings for GetFindingsV2 and BatchUpdateFindingsV2 by
// metadata.uid, which Security Hub gives every finding it takes in; a
// finding without one (the documentation's preview-era samples) gets the
// uid MetadataUID derives.
//
// # Concurrency
//
// A Server is safe for concurrent use: handlers and the methods that seed or
// inspect state (AddFindings, Finding, Calls, ...) share one mutex.
package hubtest
