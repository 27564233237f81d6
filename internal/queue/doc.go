// Package queue runs what happens after the commit: it claims due
// deliveries from the store, waits for the destination's rate limit,
// sends each through its Notifier, and records the outcome: delivered,
// retried later with exponential back-off and jitter (at least as long as
// the destination's Retry-After asked), or dead once the destination's
// attempts or age are used up. Dead deliveries stay in the store, visible
// and replayable; nothing is dropped.
//
// The same loop flushes digest groups when their wait or interval is up,
// queues reminders for routes with a repeat interval, and hands findings
// whose deliveries all succeeded to a Marker (Security Hub feedback).
//
// Deliveries are leased, not locked: a process that dies mid-delivery
// leaves a lease that expires, and the next worker to claim the delivery
// sees Message.Attempt > 1, which tells ticket destinations to look for the
// ticket the dead process may already have created. Several processes may
// share one PostgreSQL store; the store hands each delivery to one of them.
package queue
