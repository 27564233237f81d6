// Package sqssource is the SQS source: an EventBridge rule (or an SNS
// topic) sends each Security Hub event to an SQS queue, and hubrelay
// receives it from there. It suits a hubrelay that cannot be reached from
// the internet, and it keeps events while hubrelay is down (for the
// queue's retention period, four days by default).
//
// Source.Run long-polls the queue from several receive loops, hands each
// message body to a Handler and deletes the message only after the
// Handler has returned nil, that is after the findings are committed.
// While a Handler is slow, the messages it works on are kept invisible by
// extending their visibility timeout every half timeout. A message whose
// findings could not be committed (the store is unavailable, hubrelay is
// stopping) is left alone: it becomes visible again when its visibility
// timeout runs out and is received again, and the idempotency keys of the
// store make the second ingest a no-op for what the first one committed.
//
// A message that is not a finding (not JSON, not an event hubrelay reads)
// will never become one. What happens to it depends on the queue:
//   - When the queue has a redrive policy, the message is left for it:
//     it comes back after each visibility timeout until SQS has delivered
//     it maxReceiveCount times, then SQS moves it to the dead-letter queue,
//     where it can be inspected and, after a fix, redriven. This is what
//     AWS recommends, and what hubrelay's deployment templates set up.
//   - When the queue has none, leaving it would bring it back until the
//     retention period ends, so it is deleted; the log line (level WARN,
//     "sqs message rejected") names its message ID and what is wrong.
//
// Bodies an SNS topic delivered without raw message delivery, the JSON
// envelope {"Type": "Notification", "Message": "<event JSON>"}, are
// unwrapped (Unwrap) before they reach the Handler. The envelope's SNS
// signature is not checked: the queue policy decides who may send.
//
// Messages are handled in parallel, also those of a FIFO queue: findings
// carry their own update time, and the store ignores one older than what
// it holds, so the order of arrival does not matter.
package sqssource
