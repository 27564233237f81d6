// Package teams is the Microsoft Teams destination. It posts one card per
// message to a channel or chat, in one of the two ways Teams takes
// messages from outside:
//
//   - workflow_url (the default, and the way Microsoft recommends since it
//     retired Microsoft 365 connectors): the URL of a Power Automate
//     Workflows flow started by the trigger "When a Teams webhook request
//     is received". The body is an Adaptive Card (version 1.4) in the
//     message envelope the trigger expects; Workflows answers 202 Accepted.
//   - webhook_url: an older Incoming Webhook (Microsoft 365 connector). It
//     takes the same Adaptive Card envelope, or, with format: connector,
//     the legacy MessageCard; it answers 200 with the body "1".
//
// Cards show the finding's heading coloured by severity, its title, a
// FactSet (severity, account, region, product, compliance, resources), the
// description and the remediation, and buttons to the Security Hub console
// and the remediation page. Digests show counts by severity, the most
// severe findings, "and N more" and a link to the whole set. Teams webhooks
// cannot reply in threads or edit a card, so a reminder, a reopened or a
// resolved finding, or a repeat of one already posted, is a new card whose
// heading says so.
//
// Every card is measured after encoding and shortened, with a visible
// marker, until it fits Teams' 28 KB message limit (see limits.go). Text
// from findings is escaped for the Markdown subset Teams renders, so it
// cannot add links or formatting.
//
// BuildPayload is the pure half (message → request body), tested against
// golden files; Notifier sends it through notify.Client, which classifies
// failures. The workflow and webhook URLs are secrets: they never appear in
// errors or logs.
package teams
