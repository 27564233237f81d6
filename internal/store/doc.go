// Package store keeps hubrelay's durable state: findings and their episodes,
// the events they arrived in, deliveries (which are also the job queue),
// digest groups, tickets, rate-limit slots and Security Hub feedback.
//
// The store runs on SQLite (modernc.org/sqlite, no cgo) or PostgreSQL (pgx
// through database/sql) with one set of embedded migrations. Delivery rows
// are an outbox: Ingest commits them in the same transaction as the finding
// state, and workers lease them with Claim and settle them with Complete,
// Retry or Kill. Every delivery carries an idempotency key (DeliveryKey), so
// replays, redeliveries and a second replica never create a second message.
//
// A *Store is safe for concurrent use by many goroutines, and several
// processes may share one PostgreSQL database: claims use
// FOR UPDATE SKIP LOCKED and migrations take an advisory lock.
//
// All times are stored as unix milliseconds (UTC); times returned are UTC.
package store
