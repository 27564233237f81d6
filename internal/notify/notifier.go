package notify

import "context"

// Notifier delivers messages to one configured destination.
//
// The queue's deliver and digest jobs call Notify. One Notifier is shared by
// all deliveries to its destination and may be called concurrently from many
// goroutines, so implementations must be safe for concurrent use.
//
// Call contract:
//   - m is valid (see Message.Validate) and must not be modified or retained
//     after Notify returns.
//   - Notify honours ctx: when ctx is cancelled or its deadline passes, it
//     stops waiting and returns promptly with an error that wraps ctx.Err().
//     Whether the destination received the message is then unknown, so such
//     an error is retryable and the delivery's idempotency key (Message.Key)
//     keeps a repeat from creating a second ticket where the destination
//     supports it.
//   - On success it returns a Receipt describing what was created (a Slack
//     ts, a ticket key); the caller stores it and hands it back as
//     Message.Previous on the next delivery of the same finding.
//   - On failure the error's chain holds an *Error when the delivery may be
//     retried (and when); any other error is permanent. A Notifier that
//     created something before failing (a ticket created, its transition
//     refused) returns the Receipt of what exists together with the error,
//     so the retry continues from it instead of creating a duplicate.
//   - Returned errors never contain a secret: implementations scrub them
//     with their Redactor (Client does this for HTTP failures).
//
// A Notifier that holds resources also implements io.Closer; whoever built
// it closes it after the last Notify call has returned.
type Notifier interface {
	// Notify delivers m; see the interface documentation for the contract.
	Notify(ctx context.Context, m *Message) (Receipt, error)
}
