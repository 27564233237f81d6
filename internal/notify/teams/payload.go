package teams

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// BuildPayload builds the request body for m: the pure half of the
// destination, tested against golden files. format picks an Adaptive Card
// message (FormatAdaptive, also for an empty format) or a MessageCard
// (FormatConnector); opts are the render options (language, time zone,
// aggregation region, resources and digest entries shown).
//
// The body is measured after encoding: when it is larger than
// PayloadBudget, the card is built again with less detail (shorter
// description and remediation, fewer resources and digest entries), each
// cut marked with render's localized "(truncated)" and the card noting that
// it was shortened, until it fits. An error is returned only when even the
// least detail does not fit, which the bounds in limits.go rule out.
//
// A notice (m.Notice) is laid out by BuildNoticePayload.
//
// m must be valid (notify.Message.Validate). BuildPayload does not modify
// m and is safe for concurrent use; the same arguments give the same bytes.
func BuildPayload(m *notify.Message, format Format, opts render.Options) ([]byte, error) {
	if m.Notice != nil {
		return BuildNoticePayload(m.Notice, format, opts)
	}
	if opts.Language != render.Japanese {
		opts.Language = render.English
	}
	size := 0
	for level, d := range details {
		c := buildContent(m, opts, d, level > 0)
		body, err := encode(c, format)
		if err != nil {
			return nil, err
		}
		if len(body) <= PayloadBudget {
			return body, nil
		}
		size = len(body)
	}
	return nil, fmt.Errorf("teams: the card is %d bytes even with the least detail; Teams takes at most %d", size, PayloadBudget)
}

// buildContent is the card of m at detail d.
func buildContent(m *notify.Message, opts render.Options, d detail, shortened bool) content {
	if m.Digest != nil {
		return digestContent(m, opts, d, shortened)
	}
	return findingContent(m, opts, d, shortened)
}

// encode lays c out in format and encodes it as JSON without HTML escaping
// (Teams reads "<", ">" and "&" as they are; the text is escaped already).
func encode(c content, format Format) ([]byte, error) {
	var card any
	switch format {
	case FormatAdaptive, "":
		card = adaptive(c)
	case FormatConnector:
		card = connector(c)
	default:
		return nil, fmt.Errorf("teams: unknown card format %q", format)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(card); err != nil {
		return nil, fmt.Errorf("teams: encode card: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
