// Package orgtest is an in-process AWS Organizations API for tests of
// member monitoring. A Server listens on 127.0.0.1 and answers the JSON 1.1
// wire protocol (POST /, X-Amz-Target: AWSOrganizationsV20161128.<Op>) as
// the AWS SDK for Go v2 client (service/organizations) speaks it, so code
// under test uses its real client against it:
//
//	org := orgtest.NewTest(t, orgtest.Options{})
//	org.AddAccounts(orgtest.Account{ID: "111111111111", Name: "prod"})
//	out, err := org.Client().ListAccounts(ctx, &organizations.ListAccountsInput{})
//
// # Operations
//
// ListAccounts only: the accounts ordered by ID, MaxResults 1 to 20
// (default 20) and an opaque NextToken, each account with the documented
// Status (ACTIVE, SUSPENDED, PENDING_CLOSURE) and its State. Every other
// operation is answered with a 400 "UnsupportedOperation" error naming it.
//
// Requests are checked as the service checks them: a Signature Version 4
// Authorization header scoped to the server's region and the
// "organizations" service, signed with the server's credentials (Client and
// AWSConfig carry them), the JSON 1.1 content type and target header.
// Errors come back with the X-Amzn-ErrorType header and a {"__type",
// "Message"} body, so the SDK returns its typed errors
// (*types.InvalidInputException with its Reason,
// *types.AWSOrganizationsNotInUseException, …).
package orgtest
