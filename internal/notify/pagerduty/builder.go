package pagerduty

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// PagerDuty's limits: payload.summary "The maximum permitted length of
// this property is 1024 characters"; "Events API payloads are limited to
// 512 KB" (read here as 512,000 bytes, the smaller reading). Source has
// no documented limit; it is held to the summary's.
const (
	MaxSummary    = 1024
	MaxSource     = 1024
	MaxEventBytes = 512_000
)

// clientName is what PagerDuty shows as the event's monitoring tool.
const clientName = "AWS Security Hub"

// testPrefix starts the summary of a test event.
const testPrefix = "[hubrelay test] "

// Builder turns messages into events. Build it once per destination with
// NewBuilder; it is immutable and safe for concurrent use.
type Builder struct {
	cfg     Config
	opts    render.Options
	summary *render.Template
	message *render.Renderer // the `message:` override; nil when unset
}

// NewBuilder checks cfg and compiles its summary template for opts
// (language, time zone and console region); cfg.Language, when set,
// overrides opts.Language.
func NewBuilder(cfg *Config, opts render.Options) (*Builder, error) {
	if cfg == nil {
		return nil, errors.New("pagerduty: no config")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("pagerduty: %w", err)
	}
	if cfg.Language != "" {
		opts.Language, _ = render.ParseLanguage(cfg.Language) // validated above
	}
	if opts.Language != render.Japanese {
		opts.Language = render.English
	}
	b := &Builder{cfg: *cfg, opts: opts}
	var err error
	if b.summary, err = render.LoadTemplate(render.KindIssueTitle, cfg.SummaryTemplate, opts); err != nil {
		return nil, fmt.Errorf("pagerduty: summary_template: %w", err)
	}
	if b.message, err = cfg.Message.Compile(overrideName, opts); err != nil {
		return nil, fmt.Errorf("pagerduty: %w", err)
	}
	return b, nil
}

// BuildEvent is NewBuilder(cfg, opts).Build(m), for one-off use and tests.
// Pure and safe for concurrent use.
func BuildEvent(m *notify.Message, cfg *Config, opts render.Options) (Event, error) {
	b, err := NewBuilder(cfg, opts)
	if err != nil {
		return Event{}, err
	}
	return b.Build(m)
}

// Build returns the event that delivers m, a pure function of m and the
// Builder:
//
//   - KindResolved: a resolve event for the alert's dedup_key;
//   - anything else: a trigger event (PagerDuty adds a repeat of an open
//     alert's dedup_key to that alert, and opens a new alert once the
//     earlier one is resolved);
//   - a single finding's dedup_key is DedupKey of its Id and a digest's
//     DedupKey of "hubrelay-digest:<route>:<group key>"; when
//     Message.Previous holds a receipt, its ID (the dedup_key an earlier
//     event used) is kept instead;
//   - KindTest triggers its own alert, DedupKey of "hubrelay-test:<delivery
//     key>", its summary prefixed "[hubrelay test]".
//
// A `message:` override (Config.Message), where it applies, then writes a
// trigger event's summary, custom details or whole payload (see
// applyOverride).
func (b *Builder) Build(m *notify.Message) (Event, error) {
	if err := m.Validate(); err != nil {
		return Event{}, err
	}
	ev := Event{RoutingKey: b.cfg.RoutingKey, EventAction: ActionTrigger, DedupKey: dedupKeyOf(m)}
	if m.Kind == notify.KindResolved {
		ev.EventAction = ActionResolve
		return ev, nil
	}
	var err error
	if m.Digest != nil {
		ev = b.digestEvent(m, ev)
	} else if ev, err = b.findingEvent(m, ev); err != nil {
		return Event{}, err
	}
	if err := b.applyOverride(m, &ev); err != nil {
		return Event{}, err
	}
	return ev, nil
}

// dedupKeyOf is the dedup_key of m's alert.
func dedupKeyOf(m *notify.Message) string {
	switch {
	case m.Kind == notify.KindTest:
		return DedupKey(testKey(m.Key))
	case m.Previous != nil && m.Previous.ID != "" && DedupKey(m.Previous.ID) == m.Previous.ID:
		return m.Previous.ID
	case m.Digest != nil:
		return DedupKey(digestKey(m.Route, m.Digest.GroupKey))
	}
	return DedupKey(m.Finding.ID)
}

// findingEvent fills the trigger event of a single finding.
func (b *Builder) findingEvent(m *notify.Message, ev Event) (Event, error) {
	f := m.Finding
	v := render.NewView(f, b.opts)
	title, err := b.summary.Execute(v)
	if err != nil {
		return Event{}, err
	}
	summary := render.SingleLine(string(title))
	if summary == "" {
		summary = render.SingleLine(f.ID)
	}
	if where := strings.TrimSpace(v.AccountID + " " + v.Region); where != "" && strings.TrimSpace(b.cfg.SummaryTemplate) == "" {
		summary += " (" + where + ")"
	}
	if m.Kind == notify.KindTest {
		summary = testPrefix + summary
	}
	component, group, class := b.cfg.Component, b.cfg.Group, b.cfg.Class
	if component == "" && len(v.Resources) > 0 {
		component = v.Resources[0].Type
	}
	if group == "" {
		group = v.AccountID
	}
	if class == "" {
		class = firstNonEmpty(v.ControlID, firstOf(v.Types), v.ProductName)
	}
	timestamp := f.UpdatedAt
	if timestamp.IsZero() {
		timestamp = f.CreatedAt
	}
	ev.Payload = &Payload{
		Summary:       fitRunes(summary, MaxSummary, b.opts.Language),
		Source:        fitRunes(sourceOf(f), MaxSource, b.opts.Language),
		Severity:      b.cfg.severityFor(f.Severity.Label, f.Severity.Normalized),
		Timestamp:     stamp(timestamp),
		Component:     cut(component, maxSettingLength),
		Group:         cut(group, maxSettingLength),
		Class:         cut(class, maxSettingLength),
		CustomDetails: findingDetails(m, f, v),
	}
	ev.Client = clientName
	ev.ClientURL = link(v.ConsoleURL)
	ev.Links = b.links(
		Link{Href: link(v.ConsoleURL), Text: render.Translate(b.opts.Language, render.MsgOpenInSecurityHub)},
		Link{Href: link(v.RemediationURL), Text: render.Translate(b.opts.Language, render.MsgRecommendation)},
	)
	return ev, nil
}

// digestEvent fills the trigger event of a digest: one alert for the
// group, as severe as its most severe finding.
func (b *Builder) digestEvent(m *notify.Message, ev Event) Event {
	dv := render.NewDigestView(m.Digest.Findings, b.opts)
	total := max(m.Digest.Total, dv.Total)
	lang := b.opts.Language
	severity := SeverityInfo
	for _, f := range m.Digest.Findings {
		if s := b.cfg.severityFor(f.Severity.Label, f.Severity.Normalized); severityRank(s) < severityRank(severity) {
			severity = s
		}
	}
	summary := render.Translate(lang, render.MsgDigestTitle, total)
	if len(dv.Top) > 0 {
		summary = "[" + dv.Top[0].Severity.Name + "] " + summary
	}
	if dv.Summary != "" {
		summary += " (" + dv.Summary + ")"
	}
	if m.Kind == notify.KindTest {
		summary = testPrefix + summary
	}
	source := render.SingleLine(m.Digest.GroupKey)
	if source == "" {
		source = "aws-securityhub"
	}
	group := b.cfg.Group
	if group == "" && len(dv.Accounts) == 1 {
		group = dv.Accounts[0]
	}
	ev.Payload = &Payload{
		Summary:       fitRunes(summary, MaxSummary, lang),
		Source:        fitRunes(source, MaxSource, lang),
		Severity:      severity,
		Component:     cut(b.cfg.Component, maxSettingLength),
		Group:         cut(group, maxSettingLength),
		Class:         cut(firstNonEmpty(b.cfg.Class, "Security Hub digest"), maxSettingLength),
		CustomDetails: digestDetails(m, dv, total),
	}
	ev.Client = clientName
	ev.ClientURL = link(dv.ConsoleURL)
	ev.Links = b.links(Link{Href: link(dv.ConsoleURL), Text: render.Translate(lang, render.MsgDigestOpenAll)})
	return ev
}

// links keeps the links that have a destination.
func (b *Builder) links(all ...Link) []Link {
	var out []Link
	for _, l := range all {
		if l.Href != "" {
			out = append(out, l)
		}
	}
	return out
}

// Marshal encodes ev as the request body: compact JSON without HTML
// escaping (it is not shown in HTML), at most MaxEventBytes long. An event
// that would be longer is an error; Build's caps keep every event far
// below it.
func Marshal(ev Event) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ev); err != nil {
		return nil, fmt.Errorf("encode event: %w", err)
	}
	body := bytes.TrimRight(buf.Bytes(), "\n")
	if len(body) > MaxEventBytes {
		return nil, fmt.Errorf("event is %d bytes, over PagerDuty's %d", len(body), MaxEventBytes)
	}
	return body, nil
}

// fitRunes shortens s to at most max characters, counted as UTF-16 code
// units (never less than any other count of characters), with render's
// visible truncation marker.
func fitRunes(s string, max int, lang render.Language) string {
	if len(s) <= max || utf16Len(s) <= max {
		return s
	}
	for n := max; n > 0; {
		t := render.Truncate(s, n, lang)
		over := utf16Len(t) - max
		if over <= 0 {
			return t
		}
		n -= over
	}
	return ""
}

// utf16Len is the length of s in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func firstOf(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return values[0]
}
