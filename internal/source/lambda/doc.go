// Package lambdasource is hubrelay as an AWS Lambda function: the handler
// cmd/hubrelay-lambda starts. One function takes every input Lambda can
// bring:
//
//   - an EventBridge event, when a rule targets the function directly:
//     the findings are committed and the function returns their counts;
//     an error (the event is no finding, the store failed) fails the
//     invocation, so that Lambda retries it and then hands it to the
//     function's on-failure destination or dead-letter queue;
//   - an SQS batch (an event source mapping on a queue an EventBridge
//     rule sends to): each record is committed on its own and the function
//     returns a partial batch response naming the records whose commit
//     failed, which SQS makes visible again; the mapping must have
//     FunctionResponseTypes [ReportBatchItemFailures]. A record that is no
//     finding is logged with its message ID and counted as done (deleted):
//     the function cannot see whether the queue has a dead-letter queue,
//     and one that has none would bring the record back until its
//     retention period ends. When every record failed, the invocation fails
//     as a whole, which retries the batch even without
//     ReportBatchItemFailures;
//   - an SNS notification (a topic the function subscribes to): each
//     record's Message is the event; a failed commit fails the invocation;
//   - {"hubrelay": "drain", "seconds": 50}, from a schedule: the function
//     runs the delivery queue for at most that long (and never past its own
//     deadline) and returns what the store holds.
//
// The function returns only after the findings are committed. It delivers
// nothing while ingesting: deliveries are sent by a hubrelay serve sharing
// the PostgreSQL store, or by the scheduled drain. The store must therefore
// be PostgreSQL (LoadConfig refuses SQLite: a function has no lasting
// disk).
package lambdasource
