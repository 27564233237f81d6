package email

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"testing"
	"unicode/utf8"
)

// parsedMail is a received mail taken apart the way a mail client does it:
// net/mail for the header, mime for RFC 2047 words and media types,
// mime/multipart for the parts.
type parsedMail struct {
	header mail.Header
	// subject is the decoded Subject field.
	subject string
	// boundary is the multipart/alternative boundary, mixed the
	// multipart/mixed one of a mail with attachments.
	boundary, mixed string
	parts           []parsedPart
	// attachments are the files of a multipart/mixed mail, decoded.
	attachments []parsedAttachment
}

// parsedAttachment is one attached file as a mail client saves it.
type parsedAttachment struct {
	// name is the filename parameter of Content-Disposition, RFC 2047
	// words decoded; contentType the part's Content-Type as sent.
	name, contentType string
	data              []byte
}

// parsedPart is one decoded part.
type parsedPart struct {
	mediaType, charset, encoding string
	body                         string
}

// text returns the body of the part of mediaType ("text/plain").
func (p parsedMail) text(mediaType string) string {
	for _, part := range p.parts {
		if part.mediaType == mediaType {
			return part.body
		}
	}
	return ""
}

// decoded returns header field name with its RFC 2047 words decoded.
func (p parsedMail) decoded(name string) string {
	raw := p.header.Get(name)
	dec := &mime.WordDecoder{}
	s, err := dec.DecodeHeader(raw)
	if err != nil {
		return "UNDECODABLE: " + raw
	}
	return s
}

// parseMail parses raw, failing the test when it is not a well-formed
// multipart/alternative mail.
func parseMail(t testing.TB, raw []byte) parsedMail {
	t.Helper()
	p, err := parseMailBytes(raw)
	if err != nil {
		t.Fatalf("received mail does not parse: %v\n%s", err, raw)
	}
	return p
}

// parseMailBytes parses raw and checks the shape every mail of this
// destination has: CRLF lines of at most 998 octets (RFC 5322 §2.1.1),
// 7-bit content, a decodable Subject, and two UTF-8 parts, text/plain then
// text/html (or, with a text override, a text/plain body alone). A mail
// with attachments is multipart/mixed: that body first, then one base64
// part per file with Content-Disposition: attachment.
func parseMailBytes(raw []byte) (parsedMail, error) {
	if err := checkLines(raw); err != nil {
		return parsedMail{}, err
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return parsedMail{}, fmt.Errorf("header: %w", err)
	}
	p := parsedMail{header: msg.Header}
	dec := &mime.WordDecoder{}
	if p.subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return p, fmt.Errorf("subject: %w", err)
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return p, fmt.Errorf("content-type: %w", err)
	}
	switch mediaType {
	case "text/plain": // a text `message:` override
		part, err := decodeBody(textproto.MIMEHeader(msg.Header), msg.Body)
		if err != nil {
			return p, err
		}
		p.parts = append(p.parts, part)
		return p, nil
	case "multipart/alternative":
		p.boundary = params["boundary"]
		return p, p.parseAlternative(msg.Body)
	case "multipart/mixed":
		p.mixed = params["boundary"]
		return p, p.parseMixed(msg.Body)
	}
	return p, fmt.Errorf("content-type %q, want multipart/alternative or multipart/mixed", mediaType)
}

// parseMixed reads a multipart/mixed body: the alternative bodies, then
// the attachments.
func (p *parsedMail) parseMixed(body io.Reader) error {
	mr := multipart.NewReader(body, p.mixed)
	for i := 0; ; i++ {
		part, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("mixed part %d: %w", i, err)
		}
		mediaType, params, err := mime.ParseMediaType(part.Header.Get("Content-Type"))
		if err != nil {
			return fmt.Errorf("mixed part %d: content-type: %w", i, err)
		}
		if i == 0 {
			if mediaType != "multipart/alternative" {
				return fmt.Errorf("mixed part 0 is %q, want multipart/alternative", mediaType)
			}
			if p.boundary = params["boundary"]; p.boundary == p.mixed {
				return errors.New("the alternative part repeats the mixed boundary")
			}
			if err := p.parseAlternative(part); err != nil {
				return err
			}
			continue
		}
		disposition, dparams, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		if err != nil || disposition != "attachment" {
			return fmt.Errorf("mixed part %d: Content-Disposition %q, want attachment", i, part.Header.Get("Content-Disposition"))
		}
		if enc := part.Header.Get("Content-Transfer-Encoding"); !strings.EqualFold(enc, "base64") {
			return fmt.Errorf("mixed part %d: transfer encoding %q, want base64", i, enc)
		}
		name, err := (&mime.WordDecoder{}).DecodeHeader(dparams["filename"])
		if err != nil {
			return fmt.Errorf("mixed part %d: filename: %w", i, err)
		}
		data, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, part))
		if err != nil {
			return fmt.Errorf("mixed part %d: base64: %w", i, err)
		}
		p.attachments = append(p.attachments, parsedAttachment{name: name, contentType: part.Header.Get("Content-Type"), data: data})
	}
	if len(p.attachments) == 0 {
		return errors.New("a multipart/mixed mail without attachments")
	}
	return nil
}

// parseAlternative reads the two parts of a multipart/alternative body.
func (p *parsedMail) parseAlternative(body io.Reader) error {
	mr := multipart.NewReader(body, p.boundary)
	for {
		part, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("part %d: %w", len(p.parts), err)
		}
		decoded, err := decodeBody(part.Header, part)
		if err != nil {
			return fmt.Errorf("part %d: %w", len(p.parts), err)
		}
		p.parts = append(p.parts, decoded)
	}
	if len(p.parts) != 2 || p.parts[0].mediaType != "text/plain" || p.parts[1].mediaType != "text/html" {
		var types []string
		for _, part := range p.parts {
			types = append(types, part.mediaType)
		}
		return fmt.Errorf("parts %v, want [text/plain text/html]", types)
	}
	return nil
}

// decodeBody reads one body (a part, or a single-part mail) and undoes
// its transfer encoding.
func decodeBody(header textproto.MIMEHeader, body io.Reader) (parsedPart, error) {
	mediaType, params, err := mime.ParseMediaType(header.Get("Content-Type"))
	if err != nil {
		return parsedPart{}, err
	}
	out := parsedPart{mediaType: mediaType, charset: params["charset"], encoding: header.Get("Content-Transfer-Encoding")}
	if !strings.EqualFold(out.charset, "UTF-8") {
		return out, fmt.Errorf("charset %q, want UTF-8", out.charset)
	}
	var r io.Reader
	switch strings.ToLower(out.encoding) {
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, body)
	default:
		return out, fmt.Errorf("transfer encoding %q, want quoted-printable or base64", out.encoding)
	}
	decoded, err := io.ReadAll(r)
	if err != nil {
		return out, fmt.Errorf("%s: %w", out.encoding, err)
	}
	if !utf8.Valid(decoded) {
		return out, errors.New("body is not valid UTF-8")
	}
	out.body = strings.ReplaceAll(string(decoded), "\r\n", "\n")
	return out, nil
}

// checkLines checks that raw is 7-bit text of CRLF lines of at most 998
// octets, as RFC 5322 §2.1.1 and SES require.
func checkLines(raw []byte) error {
	for i, line := range bytes.Split(raw, []byte("\r\n")) {
		if len(line) > 998 {
			return fmt.Errorf("line %d has %d octets; at most 998 are allowed", i+1, len(line))
		}
		if j := bytes.IndexByte(line, '\n'); j >= 0 {
			return fmt.Errorf("line %d holds a bare LF", i+1)
		}
		if j := bytes.IndexByte(line, '\r'); j >= 0 {
			return fmt.Errorf("line %d holds a bare CR", i+1)
		}
		for _, c := range line {
			if c >= 0x80 {
				return fmt.Errorf("line %d holds 8-bit data", i+1)
			}
		}
	}
	return nil
}

// goldenHeaders are the header fields a golden file shows, in order.
var goldenHeaders = []string{
	"From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
	"Auto-Submitted", "X-Auto-Response-Suppress", "X-Hubrelay-Kind", "X-Hubrelay-Route",
	"X-Hubrelay-Severity", "X-Hubrelay-Group", "X-Hubrelay-Topic", "User-Agent", "X-Mailer", "MIME-Version",
}

// describe is the readable golden form of a mail: its decoded header
// fields, the envelope and the text part.
func describe(p parsedMail, envelopeFrom string, envelopeTo []string) string {
	var b strings.Builder
	for _, name := range goldenHeaders {
		if p.header.Get(name) != "" {
			fmt.Fprintf(&b, "%s: %s\n", name, p.decoded(name))
		}
	}
	fmt.Fprintf(&b, "\nEnvelope: MAIL FROM:<%s>", envelopeFrom)
	for _, to := range envelopeTo {
		fmt.Fprintf(&b, " RCPT TO:<%s>", to)
	}
	text := p.parts[0]
	fmt.Fprintf(&b, "\n\n----- %s; charset=%s; %s -----\n%s", text.mediaType, text.charset, text.encoding, text.body)
	if !strings.HasSuffix(text.body, "\n") {
		b.WriteString("\n")
	}
	for _, a := range p.attachments {
		sum := sha256.Sum256(a.data)
		fmt.Fprintf(&b, "\n----- attachment %q; %s; %d bytes; sha256 %x -----\n", a.name, a.contentType, len(a.data), sum)
	}
	return b.String()
}
