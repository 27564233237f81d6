package pagerduty

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// overrideName names the override's Renderer in its errors.
const overrideName = "pagerduty"

// checkMessageSetting reports a `message:` override that cannot be used:
// format text writes the summary, as summary_template does, so the two may
// not both be set; format html is refused (PagerDuty shows plain text).
func (c *Config) checkMessageSetting() error {
	switch {
	case c.Message.IsZero():
		return nil
	case c.Message.Format == render.FormatHTML:
		return errors.New("message.format: html is not what PagerDuty shows; use text (the alert's summary) or json (custom_details, or the whole payload)")
	case c.Message.Format != render.FormatJSON && strings.TrimSpace(c.SummaryTemplate) != "":
		return errors.New("message: cannot be used with summary_template: both set the summary; keep one")
	}
	return nil
}

// overrideData is m as an override template sees it.
func (b *Builder) overrideData(m *notify.Message) render.Data {
	d := render.Data{Finding: m.Finding, Event: m.Event, Kind: string(m.Kind),
		Route: m.Route, Destination: m.Destination, Language: b.opts.Language}
	if m.Digest != nil {
		dv := render.NewDigestView(m.Digest.Findings, b.opts)
		if m.Digest.Total > dv.Total {
			dv.More += m.Digest.Total - dv.Total
			dv.Total = m.Digest.Total
			dv.Title = render.Translate(b.opts.Language, render.MsgDigestTitle, dv.Total)
			dv.MoreText = render.Translate(b.opts.Language, render.MsgAndMore, dv.More)
		}
		d.Digest = &dv
	}
	return d
}

// payloadKeys are the fields of the Events API v2 payload; an object
// override holding summary, source or severity is a whole payload.
var payloadKeys = map[string]bool{
	"summary": true, "source": true, "severity": true, "timestamp": true,
	"component": true, "group": true, "class": true, "custom_details": true,
}

// applyOverride lets the `message:` override replace part of a trigger
// event's payload:
//
//   - format text: the output, on one line and cut to MaxSummary, is
//     payload.summary (a test event keeps its "[hubrelay test]" prefix);
//   - format json, an object with summary, source or severity: the whole
//     payload, which must then hold all three (severity one of critical,
//     error, warning, info), and may hold timestamp, component, group,
//     class and custom_details, nothing else;
//   - format json, any other object: its keys are merged into
//     payload.custom_details, replacing built-in details of the same name.
//
// Resolve events carry no payload and are left alone.
func (b *Builder) applyOverride(m *notify.Message, ev *Event) error {
	if b.message == nil || ev.Payload == nil {
		return nil
	}
	data := b.overrideData(m)
	if !b.message.Applies(data) {
		return nil
	}
	out, err := b.message.Render(data)
	if err != nil {
		return fmt.Errorf("pagerduty: %w", err)
	}
	if b.message.Format() != render.FormatJSON {
		summary := render.SingleLine(string(out))
		if m.Kind == notify.KindTest {
			summary = testPrefix + summary
		}
		ev.Payload.Summary = fitRunes(summary, MaxSummary, b.opts.Language)
		return nil
	}
	if err := b.applyJSON(ev.Payload, out, m.Kind == notify.KindTest); err != nil {
		return fmt.Errorf("pagerduty: %s: message: output: %w", overrideName, err)
	}
	return nil
}

// applyJSON applies a json override's object to p.
func (b *Builder) applyJSON(p *Payload, out []byte, test bool) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(out, &obj); err != nil || obj == nil {
		return errors.New("must be a JSON object: custom_details to add, or a whole payload with summary, source and severity")
	}
	if _, ok := obj["summary"]; ok {
		return b.replacePayload(p, obj, test)
	}
	for _, k := range []string{"source", "severity"} {
		if _, ok := obj[k]; ok {
			return b.replacePayload(p, obj, test)
		}
	}
	details, err := detailsMap(p.CustomDetails)
	if err != nil {
		return err
	}
	for k, v := range obj {
		details[k] = v
	}
	p.CustomDetails = details
	return nil
}

// detailsMap is the built-in custom details as a map of JSON values.
func detailsMap(details any) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	if details == nil {
		return out, nil
	}
	data, err := json.Marshal(details)
	if err != nil {
		return nil, fmt.Errorf("built-in custom_details: %w", err)
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("built-in custom_details: %w", err)
	}
	return out, nil
}

// replacePayload makes obj the payload, checking the Events API v2
// required fields
// (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/).
func (b *Builder) replacePayload(p *Payload, obj map[string]json.RawMessage, test bool) error {
	for k := range obj {
		if !payloadKeys[k] {
			return fmt.Errorf("%q: is not a payload field (summary, source, severity, timestamp, component, group, class, custom_details)", render.SingleLine(k))
		}
	}
	str := func(k string, required bool) (string, error) {
		raw, ok := obj[k]
		if !ok || string(raw) == "null" {
			if required {
				return "", fmt.Errorf("%s: is required in a whole payload (summary, source and severity)", k)
			}
			return "", nil
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", fmt.Errorf("%s: must be a string", k)
		}
		if required && strings.TrimSpace(s) == "" {
			return "", fmt.Errorf("%s: is empty", k)
		}
		return s, nil
	}
	var np Payload
	var err error
	if np.Summary, err = str("summary", true); err != nil {
		return err
	}
	if np.Source, err = str("source", true); err != nil {
		return err
	}
	if np.Severity, err = str("severity", true); err != nil {
		return err
	}
	switch np.Severity {
	case SeverityCritical, SeverityError, SeverityWarning, SeverityInfo:
	default:
		return fmt.Errorf("severity: %q is not one of critical, error, warning, info", render.SingleLine(np.Severity))
	}
	if np.Timestamp, err = str("timestamp", false); err != nil {
		return err
	}
	for _, f := range []struct {
		key string
		dst *string
	}{{"component", &np.Component}, {"group", &np.Group}, {"class", &np.Class}} {
		if *f.dst, err = str(f.key, false); err != nil {
			return err
		}
		*f.dst = cut(render.SingleLine(*f.dst), maxSettingLength)
	}
	if raw, ok := obj["custom_details"]; ok && string(raw) != "null" {
		np.CustomDetails = raw
	}
	summary := render.SingleLine(np.Summary)
	if test {
		summary = testPrefix + summary
	}
	np.Summary = fitRunes(summary, MaxSummary, b.opts.Language)
	np.Source = fitRunes(render.SingleLine(np.Source), MaxSource, b.opts.Language)
	*p = np
	return nil
}
