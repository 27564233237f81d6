// Package email is the email destination: one mail per finding or digest,
// with a plain-text and an HTML part (multipart/alternative), sent through
// an SMTP server or the Amazon SES API v2.
//
// The mail is built by Composer.Compose, a pure function of the message,
// the Config and the render options, from package render's built-in
// email templates (ja/en; the HTML through html/template, so finding text
// is escaped). Mail.Bytes writes it with github.com/wneessen/go-mail:
// UTF-8 parts, RFC 2047 encoded headers, no Bcc field.
//
// SMTP deliveries use one connection each, with STARTTLS (RFC 3207) on
// port 587 by default or implicit TLS (RFC 8314) on port 465, and AUTH
// PLAIN or LOGIN, never over a connection without TLS unless the settings
// say so explicitly. SES deliveries call SendEmail with the raw message.
//
// Message.Previous makes a mail a reply in the thread of the earlier one
// (In-Reply-To, References); the receipt records the Message-ID and
// thread for the next delivery. Failures are classified per RFC 5321
// reply codes (4yz retryable, 5yz permanent) or, for SES, by
// notify.CheckResponse and the SDK's throttling codes.
package email
