package email

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	gomail "github.com/wneessen/go-mail"

	"github.com/hubrelay/hubrelay/internal/render"
)

// Mail is one composed message: its headers, both bodies and its
// envelope. Composer.Compose builds it; Bytes turns it into the MIME text
// a transport sends. A Mail is not modified after Compose returns and may
// be shared between goroutines.
type Mail struct {
	// From is the sender; also the envelope sender.
	From *mail.Address
	// ReplyTo is where replies go; nil when not configured.
	ReplyTo *mail.Address
	// To and Cc are the visible recipients.
	To, Cc []*mail.Address
	// Bcc receive the message without appearing in it.
	Bcc []*mail.Address

	// Subject is one line of plain text; Bytes encodes it (RFC 2047).
	Subject string
	Date    time.Time
	// MessageID, InReplyTo and References are msg-ids with their angle
	// brackets. Thread is the Message-ID of the thread's first message,
	// which the receipt records.
	MessageID  string
	InReplyTo  string
	References []string
	Thread     string
	// Headers are further header fields, in order: Auto-Submitted and the
	// X-Hubrelay-* fields mail filters can sort by.
	Headers []Header

	// Text is the text/plain body, HTML the text/html one; they are the
	// two parts of a multipart/alternative message. Without HTML (a text
	// `message:` override) the message is text/plain alone.
	Text, HTML string
	// Language picks the transfer encoding: base64 for Japanese, whose
	// text quoted-printable would triple, quoted-printable otherwise.
	Language render.Language
	// Attachments are files sent with the bodies (a notice's report):
	// the message is then multipart/mixed, the bodies first, each file a
	// base64 part with Content-Disposition: attachment.
	Attachments []Attachment
}

// Header is one header field.
type Header struct{ Name, Value string }

// Recipients returns the envelope recipients, To then Cc then Bcc, as
// bare addresses.
func (ml *Mail) Recipients() []string {
	out := make([]string, 0, len(ml.To)+len(ml.Cc)+len(ml.Bcc))
	for _, list := range [][]*mail.Address{ml.To, ml.Cc, ml.Bcc} {
		for _, a := range list {
			out = append(out, a.Address)
		}
	}
	return out
}

// Bytes returns the message in Internet Message Format (RFC 5322) with
// CRLF line endings: a multipart/alternative body (text/plain, then
// text/html, both UTF-8) separated by boundary, or a text/plain body when
// there is no HTML, header fields encoded per RFC 2047, no Bcc field. With
// attachments, that body and one base64 part per file are the parts of a
// multipart/mixed message; the two levels get boundaries made from
// boundary ("m" and "a" in place of its first character), as a nested
// multipart must not repeat its parent's boundary (RFC 2046 §5.1.1).
// boundary must not occur in either body; the Notifier draws a random one
// for every delivery. Pure: the same Mail and boundary give the same
// bytes.
func (ml *Mail) Bytes(boundary string) ([]byte, error) {
	if err := checkBoundary(boundary); err != nil {
		return nil, err
	}
	boundaries := []string{boundary}
	if len(ml.Attachments) > 0 {
		boundaries = []string{"m" + boundary[1:], "a" + boundary[1:]}
	}
	for _, b := range boundaries {
		if strings.Contains(ml.Text, b) || strings.Contains(ml.HTML, b) {
			return nil, errors.New("email: mime: the body contains the multipart boundary")
		}
	}
	encoding := gomail.EncodingQP
	if ml.Language == render.Japanese {
		encoding = gomail.EncodingB64
	}
	opts := []gomail.MsgOption{
		gomail.WithCharset(gomail.CharsetUTF8),
		gomail.WithEncoding(encoding),
		gomail.WithNoDefaultUserAgent(),
	}
	if len(ml.Attachments) == 0 {
		// go-mail gives every multipart level this one boundary, which is
		// right only for a message of one level.
		opts = append(opts, gomail.WithBoundary(boundary))
	}
	msg := gomail.NewMsg(opts...)
	msg.SetAddrHeaderFromMailAddress(gomail.HeaderFrom, ml.From)
	msg.SetAddrHeaderFromMailAddress(gomail.HeaderTo, ml.To...)
	if len(ml.Cc) > 0 {
		msg.SetAddrHeaderFromMailAddress(gomail.HeaderCc, ml.Cc...)
	}
	if ml.ReplyTo != nil {
		msg.SetAddrHeaderFromMailAddress(gomail.HeaderReplyTo, ml.ReplyTo)
	}
	msg.Subject(headerText(ml.Subject))
	msg.SetDateWithValue(ml.Date)
	msg.SetGenHeader(gomail.HeaderMessageID, ml.MessageID)
	if ml.InReplyTo != "" {
		msg.SetGenHeader(gomail.HeaderInReplyTo, ml.InReplyTo)
	}
	if len(ml.References) > 0 {
		msg.SetGenHeader(gomail.HeaderReferences, strings.Join(ml.References, " "))
	}
	msg.SetUserAgent("hubrelay")
	for _, h := range ml.Headers {
		msg.SetGenHeader(gomail.Header(h.Name), headerText(h.Value))
	}
	msg.SetBodyString(gomail.TypeTextPlain, ml.Text)
	if ml.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, ml.HTML)
	}
	for _, a := range ml.Attachments {
		var fileOpts []gomail.FileOption
		if a.ContentType != "" {
			fileOpts = append(fileOpts, gomail.WithFileContentType(gomail.ContentType(a.ContentType)))
		}
		msg.AttachReadSeeker(a.Name, bytes.NewReader(a.Data), fileOpts...)
	}
	var buf bytes.Buffer
	if len(ml.Attachments) > 0 {
		size := 3*(len(ml.Text)+len(ml.HTML)) + 16<<10
		for _, a := range ml.Attachments {
			size += encodedSize(len(a.Data))
		}
		buf.Grow(size)
	}
	if _, err := msg.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("email: mime: %w", err)
	}
	if len(ml.Attachments) == 0 {
		return buf.Bytes(), nil
	}
	return renameBoundaries(buf.Bytes(), boundaries)
}

// randomBoundary matches the boundaries go-mail draws when it is given
// none: mime/multipart's 30 random bytes in hex.
var randomBoundary = regexp.MustCompile(`boundary=([0-9a-f]{60})\r\n`)

// renameBoundaries replaces the random boundaries of raw, in the order
// their multiparts start (multipart/mixed, then multipart/alternative),
// with names, so the same Mail always gives the same bytes.
func renameBoundaries(raw []byte, names []string) ([]byte, error) {
	found := randomBoundary.FindAllSubmatch(raw, -1)
	if len(found) == 0 || len(found) > len(names) {
		return nil, fmt.Errorf("email: mime: %d multipart boundaries in a message with attachments, want 1 or 2", len(found))
	}
	olds := make([][]byte, len(found))
	for i, m := range found {
		olds[i] = bytes.Clone(m[1])
	}
	for i, old := range olds {
		raw = bytes.ReplaceAll(raw, old, []byte(names[i]))
	}
	return raw, nil
}

// headerText keeps text that goes into an unstructured header field from
// being read as RFC 2047 encoded-words. go-mail encodes only text that
// needs it (non-ASCII), so an ASCII finding title holding
// "=?UTF-8?Q?=E2=80=AE...?=" would reach the recipient verbatim and be
// decoded by the mail client into whatever it spells: control or bidi
// characters, markup, another charset. Such text is sent as encoded-words
// itself, which decode back to exactly the text.
func headerText(s string) string {
	if !strings.Contains(s, "=?") {
		return s
	}
	return encodeWords(s)
}

// encodeWords writes s as RFC 2047 B-encoded UTF-8 words of at most 75
// characters (§2), split between characters, separated by spaces that
// decoders drop (§6.2).
func encodeWords(s string) string {
	const prefix, suffix = "=?UTF-8?B?", "?="
	const chunk = (75 - len(prefix) - len(suffix)) / 4 * 3 // bytes per word
	var words []string
	for len(s) > 0 {
		n := min(len(s), chunk)
		for n < len(s) && n > 1 && !utf8.RuneStart(s[n]) {
			n--
		}
		words = append(words, prefix+base64.StdEncoding.EncodeToString([]byte(s[:n]))+suffix)
		s = s[n:]
	}
	return strings.Join(words, " ")
}

// checkBoundary checks a multipart boundary as RFC 2046 §5.1.1 allows it,
// restricted to characters that need no quoting.
func checkBoundary(b string) error {
	if len(b) < 16 || len(b) > 70 {
		return fmt.Errorf("email: mime: boundary of %d characters; want 16 to 70", len(b))
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return fmt.Errorf("email: mime: boundary holds %q; only letters, digits, _ and - are used", c)
		}
	}
	return nil
}
