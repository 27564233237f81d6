// Package ingest is the front half of the pipeline: it decodes what a
// source received, routes every finding, and commits the findings and the
// deliveries they call for to the store, in that order, before it answers.
//
// A source acknowledges its input (HTTP 202, SQS delete, Lambda return) only
// when Ingester.Body or Ingester.Items has returned nil: from then on the
// deliveries are durable and the queue owns them.
//
// Concurrent calls are group-committed: while one transaction is being
// written, the observations of every other caller gather, and the next
// transaction takes them all. A lone caller waits for nobody.
package ingest
