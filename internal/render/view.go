package render

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// Event says why a destination hears about a finding; it picks the heading.
type Event string

// The events a destination is told about.
const (
	EventNew      Event = "new"      // first time in this episode
	EventResolved Event = "resolved" // the finding was resolved
	EventReopened Event = "reopened" // a resolved finding failed again
	EventReminder Event = "reminder" // still open after the route's reminder interval
)

// View is one finding made display-ready for a destination: localized names,
// times in the configured zone, cleaned text (valid UTF-8, no control or
// bidi-override characters), at most MaxResources resources and only http(s)
// links. Text is plain and unescaped: each destination escapes it for its own
// format (SlackEscape, MarkdownEscape, JSONString, html/template).
//
// A View is a value built by NewView; it holds no reference that changes, so
// it may be shared between goroutines.
type View struct {
	Language Language `json:"language"`
	Event    Event    `json:"event"`
	Heading  string   `json:"heading"` // localized heading for Event
	Intro    string   `json:"intro"`   // localized first sentence for Event

	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Severity    Severity `json:"severity"`
	AccountID   string   `json:"account_id"`
	Region      string   `json:"region"`
	ProductName string   `json:"product_name"`
	CompanyName string   `json:"company_name"`
	GeneratorID string   `json:"generator_id"`
	Types       []string `json:"types"`
	// Details is account, region and product on one line, labelled in the
	// view's language, empty parts left out: "AWSアカウント: 123 / リージョン: ap-northeast-1 / 製品名: GuardDuty".
	Details string `json:"details"`

	Resources         []ResourceLine `json:"resources"`      // at most Options.MaxResources
	MoreResources     int            `json:"more_resources"` // how many were left out
	MoreResourcesText string         `json:"more_resources_text"`

	Description     string `json:"description"`
	RemediationText string `json:"remediation_text"`
	RemediationURL  string `json:"remediation_url"`
	ConsoleURL      string `json:"console_url"`

	CreatedAt       Timestamp `json:"created_at"`
	UpdatedAt       Timestamp `json:"updated_at"`
	FirstObservedAt Timestamp `json:"first_observed_at"`
	LastObservedAt  Timestamp `json:"last_observed_at"`

	ComplianceStatus     string `json:"compliance_status"`      // PASSED, FAILED, WARNING, NOT_AVAILABLE or ""
	ComplianceStatusName string `json:"compliance_status_name"` // localized
	ControlID            string `json:"control_id"`
	Workflow             string `json:"workflow"` // NEW, NOTIFIED, RESOLVED, SUPPRESSED or ""
	WorkflowName         string `json:"workflow_name"`
	RecordState          string `json:"record_state"` // ACTIVE, ARCHIVED or ""
	RecordStateName      string `json:"record_state_name"`
	ActionName           string `json:"action_name"` // the custom action, if any

	// Finding is the finding the view was built from, for templates that
	// need a field the view does not carry (its text is not cleaned).
	Finding *finding.Finding `json:"-"`
}

// Severity is a finding's severity ready to show.
type Severity struct {
	Label      string `json:"label"` // CRITICAL … INFORMATIONAL, or "" when unknown
	Name       string `json:"name"`  // in the view's language: 重大/Critical …
	Text       string `json:"text"`  // the name, and the label when it reads differently: "重大 (CRITICAL)", "Critical"
	Emoji      string `json:"emoji"`
	Color      string `json:"color"` // "#RRGGBB"
	Normalized int    `json:"normalized"`
}

// ResourceLine is one resource of a finding.
type ResourceLine struct {
	Type   string `json:"type"`
	ID     string `json:"id"`
	Region string `json:"region"`
	Text   string `json:"text"` // "Type ID", one line
}

// Timestamp is a time in the configured zone and its text in the view's
// language ("2006/01/02 15:04:05 JST" in Japanese, "2006-01-02 15:04:05 UTC"
// in English). Both are zero/empty when the finding has no such time.
type Timestamp struct {
	Time time.Time `json:"time"`
	Text string    `json:"text"`
}

// IsZero reports whether the finding had no such time.
func (t Timestamp) IsZero() bool { return t.Time.IsZero() }

// String returns the formatted text.
func (t Timestamp) String() string { return t.Text }

// NewView builds the view of f with o (zero fields take their defaults). It
// is a pure function of its arguments and never fails: a nil finding gives an
// empty view with only the language fields set.
func NewView(f *finding.Finding, o Options) View {
	o = o.withDefaults()
	v := View{Language: o.Language}
	v = v.WithEvent(EventNew)
	if f == nil {
		return v
	}
	v.Finding = f
	v.ID = RepairUTF8(f.ID)
	v.Title = SingleLine(f.Title)
	v.Severity = newSeverity(o.Language, f.Severity)
	v.AccountID = SingleLine(f.AccountID)
	v.Region = SingleLine(f.Region)
	v.ProductName = SingleLine(f.ProductName)
	v.CompanyName = SingleLine(f.CompanyName)
	v.GeneratorID = SingleLine(f.GeneratorID)
	for _, t := range f.Types {
		v.Types = append(v.Types, SingleLine(t))
	}
	v.Details = details(o.Language, v.AccountID, v.Region, v.ProductName)
	v.Resources, v.MoreResources = resourceLines(f.Resources, o.MaxResources)
	if v.MoreResources > 0 {
		v.MoreResourcesText = Translate(o.Language, MsgAndMore, v.MoreResources)
	}
	v.Description = cleanText(f.Description)
	v.RemediationText = cleanText(f.Remediation.Text)
	v.RemediationURL = RemediationURL(f)
	v.ConsoleURL = safeURL(finding.ConsoleURL(f, o.Region))
	v.CreatedAt = newTimestamp(f.CreatedAt, o)
	v.UpdatedAt = newTimestamp(f.UpdatedAt, o)
	v.FirstObservedAt = newTimestamp(f.FirstObservedAt, o)
	v.LastObservedAt = newTimestamp(f.LastObservedAt, o)
	v.ComplianceStatus = strings.ToUpper(SingleLine(f.Compliance.Status))
	v.ComplianceStatusName = complianceName(o.Language, v.ComplianceStatus)
	v.ControlID = controlID(f)
	v.Workflow = strings.ToUpper(SingleLine(f.Workflow))
	v.WorkflowName = workflowName(o.Language, v.Workflow)
	v.RecordState = strings.ToUpper(SingleLine(f.RecordState))
	v.RecordStateName = recordStateName(o.Language, v.RecordState)
	v.ActionName = SingleLine(f.ActionName)
	return v
}

// WithEvent returns a copy of v whose Event, Heading and Intro say why the
// destination hears about the finding (new, resolved, reopened, reminder).
// An unknown event is treated as EventNew.
func (v View) WithEvent(e Event) View {
	heading, intro := MsgHeadingNew, MsgDetectedIntro
	switch e {
	case EventResolved:
		heading, intro = MsgHeadingResolved, MsgResolvedIntro
	case EventReopened:
		heading, intro = MsgHeadingReopened, MsgReopenedIntro
	case EventReminder:
		heading, intro = MsgHeadingReminder, MsgReminderIntro
	default:
		e = EventNew
	}
	v.Event = e
	v.Heading = Translate(v.Language, heading)
	v.Intro = Translate(v.Language, intro)
	return v
}

func newSeverity(lang Language, s finding.Severity) Severity {
	label := strings.ToUpper(SingleLine(s.Label))
	name := SeverityName(lang, label)
	text := name
	if label != "" && !strings.EqualFold(name, label) {
		text = name + " (" + label + ")"
	}
	return Severity{
		Label:      label,
		Name:       name,
		Text:       text,
		Emoji:      SeverityEmoji(label),
		Color:      SeverityColor(label),
		Normalized: s.Normalized,
	}
}

// resourceLines returns at most max resources and how many were left out.
func resourceLines(rs []finding.Resource, max int) ([]ResourceLine, int) {
	n := len(rs)
	if n > max {
		n = max
	}
	lines := make([]ResourceLine, 0, n)
	for _, r := range rs[:n] {
		line := ResourceLine{Type: SingleLine(r.Type), ID: SingleLine(r.ID), Region: SingleLine(r.Region)}
		line.Text = strings.TrimSpace(line.Type + " " + line.ID)
		lines = append(lines, line)
	}
	return lines, len(rs) - n
}

// newTimestamp puts t in the configured zone and formats it for the language.
func newTimestamp(t time.Time, o Options) Timestamp {
	if t.IsZero() {
		return Timestamp{}
	}
	local := t.In(o.Location)
	return Timestamp{Time: local, Text: local.Format(timeLayout(o.Language))}
}

// timeLayout is how dates are written in each language.
func timeLayout(lang Language) string {
	if lang == Japanese {
		return "2006/01/02 15:04:05 MST"
	}
	return "2006-01-02 15:04:05 MST"
}

// controlID is the Security Hub control of a control finding: the
// consolidated SecurityControlId, else (findings from before consolidated
// control findings) ProductFields ControlId or RuleId.
func controlID(f *finding.Finding) string {
	if id := SingleLine(f.Compliance.SecurityControlID); id != "" {
		return id
	}
	if f.Format != finding.FormatASFF || len(f.Raw) == 0 {
		return ""
	}
	var raw struct {
		ProductFields map[string]any `json:"ProductFields"`
	}
	if err := json.Unmarshal(f.Raw, &raw); err != nil {
		return ""
	}
	for _, key := range []string{"ControlId", "RuleId"} {
		if s, ok := raw.ProductFields[key].(string); ok && s != "" {
			return SingleLine(s)
		}
	}
	return ""
}
