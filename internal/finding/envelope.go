package finding

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"time"
	"unicode/utf8"
)

// The EventBridge detail-types of Security Hub finding events.
const (
	// DetailTypeImported is sent for every new or updated ASFF finding.
	DetailTypeImported = "Security Hub Findings - Imported"
	// DetailTypeCustomAction is sent when a user applies a custom action to
	// findings in the console; detail.actionName names the action.
	DetailTypeCustomAction = "Security Hub Findings - Custom Action"
	// DetailTypeImportedV2 is sent for every new or updated OCSF finding.
	DetailTypeImportedV2 = "Findings Imported V2"
)

// eventSource is the EventBridge source of every Security Hub event.
const eventSource = "aws.securityhub"

// eventTimeLayout is how EventBridge writes an event's time.
const eventTimeLayout = "2006-01-02T15:04:05Z"

// Wrap returns the EventBridge event Security Hub would send for one bare
// finding (ASFF or OCSF), with raw embedded byte for byte:
//
//	{"version":"0","id":…,"detail-type":"Security Hub Findings - Imported",
//	 "source":"aws.securityhub","account":AwsAccountId,"time":UpdatedAt,
//	 "region":Region,"resources":[ProductArn+"/"+Id],"detail":{"findings":[raw]}}
//
// For OCSF: detail-type "Findings Imported V2", account cloud.account.uid,
// region cloud.region and resources [metadata.uid]. Where the documentation
// is silent:
//   - id is a name-based UUID (RFC 9562 version 5) of the format,
//     ProductArn, Id and UpdatedAt: a replay gives the same id, a newer
//     version of the finding another one, as EventBridge gives every event
//     its own;
//   - time is UpdatedAt in UTC to the second, as EventBridge writes times
//     (OCSF: modified_time, else time); without it LastObservedAt, CreatedAt
//     or FirstObservedAt; without any of them 1970-01-01T00:00:00Z, so the
//     result stays deterministic;
//   - resources names an ASFF finding as the user guide's sample and every
//     published event do, ProductArn + "/" + Id, which Security Hub also
//     stores in ProductFields "aws/securityhub/FindingId"; that stored value
//     is used when present (published samples edited by hand disagree);
//     without a ProductArn, the Id alone. OCSF without metadata.uid: the
//     finding_info.uid.
//
// Decode builds the same envelope for every finding that did not arrive in
// an event. Wrap is safe for concurrent use.
func Wrap(raw []byte) ([]byte, error) {
	data := raw
	i := skipSpace(data, 0)
	if i == len(data) {
		return nil, problemf(ErrNotFinding, "wrap: empty input")
	}
	end, serr := valueEnd(data, i)
	if serr != nil {
		return nil, fmt.Errorf("wrap: %w", problemf(ErrSyntax, "JSON syntax error at byte %d: %s", serr.off, serr.msg))
	}
	if skipSpace(data, end) != len(data) {
		return nil, fmt.Errorf("wrap: %w", problemf(ErrSyntax, "JSON syntax error at byte %d: data after the finding", skipSpace(data, end)))
	}
	if data[i] != '{' {
		return nil, fmt.Errorf("wrap: %w", problemf(ErrNotFinding, "got a JSON %s, want a finding object", kindOf(data, i)))
	}
	obj := data[i:end]
	ms := members(obj, span{0, len(obj)})
	format := findingFormat(ms)
	if format == "" {
		return nil, fmt.Errorf("wrap: %w", problemf(ErrNotFinding, "%s", notFindingMessage))
	}
	f, resource, ferr := decodeFinding(format, obj, ms)
	if ferr != nil {
		return nil, fmt.Errorf("wrap: %w", problemf(ErrNotFinding, "%s", ferr.msg))
	}
	return envelope(f, resource), nil
}

// decodeFinding normalizes raw in the given format and returns the name
// Security Hub gives the finding in an event's resources ("" if unknown).
// ms are raw's top-level members, with offsets relative to raw.
func decodeFinding(format Format, raw []byte, ms []member) (*Finding, string, *fieldError) {
	if format == FormatOCSF {
		return decodeOCSF(raw)
	}
	return decodeASFF(raw, ms)
}

// envelope builds the event for f as Wrap documents, embedding f.Raw
// unchanged. resource is how Security Hub names the finding ("" to derive it).
func envelope(f *Finding, resource string) []byte {
	detailType := DetailTypeImported
	if f.Format == FormatOCSF {
		detailType = DetailTypeImportedV2
	}
	if resource == "" {
		resource = f.ID
		if f.Format == FormatASFF && f.ProductARN != "" {
			resource = f.ProductARN + "/" + f.ID
		}
	}
	b := make([]byte, 0, len(f.Raw)+len(resource)+len(f.AccountID)+256)
	b = append(b, `{"version":"0","id":`...)
	b = appendJSONString(b, eventID(f))
	b = append(b, `,"detail-type":`...)
	b = appendJSONString(b, detailType)
	b = append(b, `,"source":`...)
	b = appendJSONString(b, eventSource)
	b = append(b, `,"account":`...)
	b = appendJSONString(b, f.AccountID)
	b = append(b, `,"time":`...)
	b = appendJSONString(b, eventTime(f).UTC().Format(eventTimeLayout))
	b = append(b, `,"region":`...)
	b = appendJSONString(b, f.Region)
	b = append(b, `,"resources":[`...)
	b = appendJSONString(b, resource)
	b = append(b, `],"detail":{"findings":[`...)
	b = append(b, f.Raw...)
	b = append(b, "]}}"...)
	return b
}

func eventTime(f *Finding) time.Time {
	for _, t := range []time.Time{f.UpdatedAt, f.LastObservedAt, f.CreatedAt, f.FirstObservedAt} {
		if !t.IsZero() {
			return t
		}
	}
	return time.Unix(0, 0)
}

// eventIDNamespace is the namespace UUID of the synthesized event ids (the
// RFC 9562 URL namespace, 6ba7b811-9dad-11d1-80b4-00c04fd430c8).
const eventIDNamespace = "\x6b\xa7\xb8\x11\x9d\xad\x11\xd1\x80\xb4\x00\xc0\x4f\xd4\x30\xc8"

// eventID names f's synthesized event by its format, product, id and
// update time.
func eventID(f *Finding) string {
	updated := ""
	if !f.UpdatedAt.IsZero() {
		updated = f.UpdatedAt.UTC().Format(time.RFC3339Nano)
	}
	return uuidV5(eventIDNamespace, "hubrelay-event\x00"+string(f.Format)+"\x00"+f.ProductARN+"\x00"+f.ID+"\x00"+updated)
}

// uuidV5 returns the name-based UUID (RFC 9562 version 5, SHA-1) of name in
// namespace (16 raw bytes), in its 36-character text form.
func uuidV5(namespace, name string) string {
	h := sha1.New()
	h.Write([]byte(namespace))
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:], u[10:])
	return string(s[:])
}

// appendJSONString appends s as a JSON string literal, escaping only what
// JSON requires (quote, backslash, control characters), as EventBridge does.
// Invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, "\ufffd"...)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
			continue
		}
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		default:
			b = append(b, c)
		}
		i++
	}
	return append(b, '"')
}
