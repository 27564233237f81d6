// Package backlogtest is an in-memory Backlog API v2 server for tests of
// packages that deliver to Backlog (the backlog destination, the queue,
// the crash test that runs the hubrelay binary against it).
//
// It serves what backlog.Notifier calls, as
// https://developer.nulab.com/docs/backlog/ documents it: Add Issue (POST
// /api/v2/issues), Get Issue List (GET /api/v2/issues), Get Issue and
// Update Issue (GET and PATCH /api/v2/issues/:issueIdOrKey), Add Comment
// and Get Comment List (POST and GET
// /api/v2/issues/:issueIdOrKey/comments). Every request must carry the
// API key in the apiKey query parameter (401 otherwise); writes are
// form-encoded and validated like Backlog does (400 with Backlog's
// {"errors":[…]} body, naming the parameter); issues get the keys PROJ-1,
// PROJ-2, …; every answer carries the X-RateLimit-* headers.
//
// Faults are injected into writes (POST, PATCH), deterministically from
// Options.Seed: a share of them fail (a 500 answer, a 503 page or a
// connection closed without answer), and a share of those fail only after
// the write was applied, the way an answer lost on the way back looks to
// the client. Every Nth write can be refused with 429. The server counts
// writes, the most that were in flight at once and the shortest gap
// between two, so a test can check a client's rate limiting.
//
// The server is for tests only: New takes a testing.TB and closes the
// server when the test ends. A Server is safe for concurrent use.
//
// A test configures the backlog destination (or a child hubrelay process)
// with the server's address, which the destination accepts over plain
// http because it is a loopback address:
//
//	srv := backlogtest.New(t, backlogtest.Options{ProjectID: 12345, FailRate: 0.3, LostAnswerRate: 0.5, Seed: 1})
//	cfg := &backlog.Config{Space: srv.URL(), APIKey: srv.APIKey(), ProjectID: 12345, IssueTypeID: 2}
//	// … deliver, retrying with Message.Attempt counting up …
//	for marker, n := range srv.IssuesByMarker() {
//		if n > 1 {
//			t.Errorf("%d issues for delivery %s", n, marker)
//		}
//	}
package backlogtest
