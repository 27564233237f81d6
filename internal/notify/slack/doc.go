// Package slack is the destination that posts findings to Slack, either with
// a bot token through the Web API method chat.postMessage (to a channel
// given by name or ID, with later deliveries of the same finding as replies
// in the first message's thread) or to an incoming webhook.
//
// Messages are Block Kit: a header with the severity emoji and the title,
// the severity, account, region and resources as fields, the description
// and the remediation, and a button that opens the finding in the Security
// Hub console. A digest shows counts by severity, the most severe findings
// and one link to the whole set. Every piece of finding text is escaped as
// Slack's "Formatting text for app surfaces" requires (&, <, >) and sent in
// verbatim text objects, so a finding can neither mention anyone nor forge
// a link, and every text is cut to Slack's documented limits with a visible,
// localized "truncated" marker.
//
// BuildPayload is the pure payload builder; Notifier sends what it builds.
// The Slack Go library (github.com/slack-go/slack) supplies the Block Kit
// types; requests go through notify.Client, which classifies every HTTP
// answer, because the library posts chat.postMessage form-encoded with the
// token in the body, leaves webhook answers unclassified and drops the
// error bodies (no_service, channel_is_archived) that say what went wrong.
package slack
