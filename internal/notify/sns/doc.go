// Package sns is the Amazon SNS destination: it publishes each message to
// one topic through the AWS SDK for Go v2, for users who keep an SNS →
// AWS Chatbot (Amazon Q Developer in chat applications) or SNS → SQS
// chain.
//
// The message is one of three formats (Config.MessageFormat): a Chatbot
// custom notification built from package render's views (ja/en, the
// default), the EventBridge event itself (what an EventBridge rule with
// the topic as target would have published, so existing Chatbot and SQS
// consumers keep working), or hubrelay's JSON Document. Each Publish also
// carries an ASCII subject for email subscribers and String message
// attributes (severity, account, product, kind) for filter policies; FIFO
// topics get a MessageGroupId (account or finding) and a
// MessageDeduplicationId derived from the delivery's idempotency key.
// Config.Message, the render.Override every destination has, replaces the
// message with a Go template's or an EventBridge input transformer's
// output (format text or json; see override.go).
//
// Build is the pure payload builder, tested against golden files; the
// Notifier sends what it builds and classifies failures for the queue
// (throttling and 5xx retryable, invalid parameters, authorization and
// missing topics permanent).
package sns
