package email

import (
	"bytes"
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
	// boundary is the multipart/alternative boundary.
	boundary string
	parts    []parsedPart
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
// text/html (or, with a text override, a text/plain body alone).
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
	default:
		return p, fmt.Errorf("content-type %q, want multipart/alternative", mediaType)
	}
	p.boundary = params["boundary"]
	mr := multipart.NewReader(msg.Body, p.boundary)
	for {
		part, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return p, fmt.Errorf("part %d: %w", len(p.parts), err)
		}
		decoded, err := decodeBody(part.Header, part)
		if err != nil {
			return p, fmt.Errorf("part %d: %w", len(p.parts), err)
		}
		p.parts = append(p.parts, decoded)
	}
	if len(p.parts) != 2 || p.parts[0].mediaType != "text/plain" || p.parts[1].mediaType != "text/html" {
		var types []string
		for _, part := range p.parts {
			types = append(types, part.mediaType)
		}
		return p, fmt.Errorf("parts %v, want [text/plain text/html]", types)
	}
	return p, nil
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
	"X-Hubrelay-Severity", "X-Hubrelay-Group", "User-Agent", "X-Mailer", "MIME-Version",
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
	return b.String()
}
