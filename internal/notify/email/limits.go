package email

// Bounds on what a finding can put into a mail. Security Hub caps an ASFF
// Title at 256 and a Description at 1024 characters, but third-party
// producers and OCSF findings are not held to that, so a hostile or broken
// finding must not produce a mail that servers refuse or clients choke on.
const (
	// maxSubjectRunes is the longest subject: the built-in templates cut
	// there too, and user templates are cut after execution.
	maxSubjectRunes = 200
	// maxTitleRunes bounds a finding title inside the body.
	maxTitleRunes = 500
	// maxTextRunes bounds a description or remediation text.
	maxTextRunes = 20000
	// maxLineRunes bounds the one-line fields of a view (resources, IDs,
	// types, names).
	maxLineRunes = 1000
	// maxURLBytes is the longest link kept; longer ones (from absurd
	// finding IDs) are dropped rather than sent broken. It matches the
	// render package's digest link limit.
	maxURLBytes = 2000
	// maxHeaderRunes bounds the value of a hubrelay header.
	maxHeaderRunes = 200

	// MaxMessageBytes is the largest MIME message sent: 10 MB, the
	// limit of Amazon SES raw messages and the default of common SMTP
	// servers (Postfix's message_size_limit is 10,240,000 bytes). The
	// bounds above keep finding mails far below it (a few tens of
	// kilobytes); what comes near it is a notice's attachment, about 7.3
	// MB of file once base64 encoded. A larger attachment is refused with
	// a permanent error naming it; an SMTP server that announces a smaller
	// SIZE refuses earlier.
	MaxMessageBytes = 10_000_000
)
