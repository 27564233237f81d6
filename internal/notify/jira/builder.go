package jira

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Builder turns messages into Jira requests. Build it once per destination
// with NewBuilder; it is immutable and safe for concurrent use.
type Builder struct {
	cfg     Config
	opts    render.Options
	version int

	summary      *render.Template // the built-in title unless overridden
	description  *render.Template // nil: the built-in description
	message      *render.Renderer // nil: no message override
	customFields map[string]json.RawMessage
}

// NewBuilder compiles cfg's templates for opts (language, time zone and
// console region). cfg.Language, when set, overrides opts.Language. The
// tokens are not kept.
func NewBuilder(cfg *Config, opts render.Options) (*Builder, error) {
	if cfg == nil {
		return nil, errors.New("jira: no config")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("jira: %w", err)
	}
	if cfg.Language != "" {
		lang, _ := render.ParseLanguage(cfg.Language) // validated above
		opts.Language = lang
	}
	if opts.Language != render.Japanese {
		opts.Language = render.English
	}
	b := &Builder{cfg: *cfg, opts: opts, version: cfg.apiVersion()}
	b.cfg.APIToken, b.cfg.PersonalAccessToken = "", ""
	b.cfg.Labels = slices.Clone(cfg.Labels)
	b.cfg.Components = slices.Clone(cfg.Components)
	b.cfg.Priority.BySeverity = maps.Clone(cfg.Priority.BySeverity)
	// Custom field values are encoded once, so the Builder shares nothing
	// with the caller's config.
	b.cfg.CustomFields = nil
	b.customFields = make(map[string]json.RawMessage, len(cfg.CustomFields))
	for k, v := range cfg.CustomFields {
		data, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("jira: custom_fields.%s: %w", k, err) // Validate marshalled it already
		}
		b.customFields[k] = data
	}
	var err error
	if b.summary, err = render.LoadTemplate(render.KindIssueTitle, cfg.SummaryTemplate, opts); err != nil {
		return nil, fmt.Errorf("jira: summary_template: %w", err)
	}
	if strings.TrimSpace(cfg.DescriptionTemplate) != "" {
		if b.description, err = render.NewTemplate("description_template", cfg.DescriptionTemplate, opts); err != nil {
			return nil, fmt.Errorf("jira: description_template: %w", err)
		}
	}
	if b.message, err = cfg.Message.Compile("jira", opts); err != nil {
		return nil, fmt.Errorf("jira: %w", err) // Validate compiled it already
	}
	return b, nil
}

// BuildRequest is NewBuilder(cfg, opts).Build(m), for one-off use and
// tests. Pure and safe for concurrent use.
func BuildRequest(m *notify.Message, cfg *Config, opts render.Options) (Request, error) {
	b, err := NewBuilder(cfg, opts)
	if err != nil {
		return Request{}, err
	}
	return b.Build(m)
}

// APIVersion is the REST API version the Builder writes for.
func (b *Builder) APIVersion() int { return b.version }

// issueKeyPattern matches a Jira issue key (SEC-123) or a numeric issue ID.
var issueKeyPattern = regexp.MustCompile(`^(?:[A-Za-z][A-Za-z0-9_]*-[0-9]{1,18}|[0-9]{1,18})$`)

// Build returns the request that delivers m, a pure function of m and the
// Builder:
//
//   - no Previous issue: create an issue, labelled with the delivery's
//     marker (KindResolved: nothing, there is no issue to resolve);
//   - Previous and KindResolved: the resolve transition, with a comment;
//   - Previous and KindReopened: the reopen transition, with a comment;
//   - Previous otherwise (a reminder, a repeated digest): a comment.
//
// Errors are permanent: a message Jira could never accept.
func (b *Builder) Build(m *notify.Message) (Request, error) {
	if err := m.Validate(); err != nil {
		return Request{}, err
	}
	key, err := previousKey(m.Previous)
	if err != nil {
		return Request{}, err
	}
	req := Request{APIVersion: b.version, IssueKey: key}
	switch {
	case key == "" && m.Kind == notify.KindResolved:
		req.Action = ActionNone
		req.Reason = "no Jira issue was created for this finding, so there is none to resolve"
		return req, nil
	case key == "":
		req.Action = ActionCreateIssue
		req.Marker = notify.Marker(m.Key)
		req.Issue, err = b.issue(m)
		if err == nil && req.Marker != "" && !slices.Contains(req.Issue.Fields.Labels, req.Marker) {
			req.Issue.Fields.Labels = append(req.Issue.Fields.Labels, req.Marker)
		}
		return req, err
	case m.Kind == notify.KindResolved || m.Kind == notify.KindReopened:
		req.Action = ActionTransition
		req.Transition = b.transition(m.Kind == notify.KindResolved)
	default:
		req.Action = ActionAddComment
	}
	req.Comment = &CommentRequest{Body: b.comment(m).body()}
	return req, nil
}

// previousKey returns the issue key of an earlier delivery, "" when there
// was none.
func previousKey(prev *notify.Receipt) (string, error) {
	if prev == nil || prev.ID == "" {
		return "", nil
	}
	if !issueKeyPattern.MatchString(prev.ID) {
		return "", fmt.Errorf("previous receipt: %q is not a Jira issue key (SEC-123)", render.SingleLine(cutRunes(prev.ID, 100)))
	}
	return prev.ID, nil
}

func (b *Builder) transition(resolve bool) *Transition {
	if !resolve {
		return &Transition{Name: b.cfg.reopenTransition()}
	}
	t := &Transition{Name: b.cfg.resolveTransition(), Resolve: true}
	if r := strings.TrimSpace(b.cfg.Resolution); r != "" {
		t.Fields = &TransitionFields{Resolution: map[string]string{"name": r}}
	}
	return t
}

// issue is the Create issue body for m.
func (b *Builder) issue(m *notify.Message) (*IssueRequest, error) {
	summary, description, severity, err := b.issueText(m)
	if err != nil {
		return nil, err
	}
	f := IssueFields{
		Project:     map[string]string{"key": strings.TrimSpace(b.cfg.ProjectKey)},
		IssueType:   b.cfg.IssueType.ref(),
		Summary:     summary,
		Labels:      b.cfg.labels(),
		Description: description.body(),
	}
	if p := b.cfg.Priority.forSeverity(severity); p != "" {
		f.Priority = map[string]string{"name": p}
	}
	for _, c := range b.cfg.Components {
		f.Components = append(f.Components, map[string]string{"name": strings.TrimSpace(c)})
	}
	if len(b.customFields) > 0 {
		f.Custom = make(map[string]any, len(b.customFields))
		for k, v := range b.customFields {
			f.Custom[k] = json.RawMessage(bytes.Clone(v))
		}
	}
	return &IssueRequest{Fields: f}, nil
}

// issueText returns the summary and description of a new issue and the
// severity label its priority follows.
func (b *Builder) issueText(m *notify.Message) (summary string, description encoded, severity string, err error) {
	if m.Digest != nil {
		d, omitted := b.digestView(m.Digest)
		summary = digestSummary(d, omitted)
		if data := b.digestData(m, &d); b.message.Applies(data) {
			description, err = b.overrideText(data, func() []block { return digestFallback(d, omitted) })
			if err != nil {
				return "", encoded{}, "", err
			}
		} else {
			description = b.digestText(d, omitted)
		}
		severity = highestSeverity(m.Digest.Findings)
	} else {
		v := b.view(m)
		out, err := b.summary.Execute(clipView(v, defaultCaps))
		if err != nil {
			return "", encoded{}, "", fmt.Errorf("summary: %w", err)
		}
		summary = oneLine(string(out))
		if summary == "" {
			summary = oneLine(v.Title)
		}
		if summary == "" {
			summary = v.Heading
		}
		if data := b.findingData(m, v); b.message.Applies(data) {
			description, err = b.overrideText(data, func() []block { return minimalBlocks(v, b.opts.Language) })
		} else {
			description, err = b.findingText(v)
		}
		if err != nil {
			return "", encoded{}, "", err
		}
		severity = m.Finding.Severity.Label
	}
	if m.Kind == notify.KindTest {
		summary = "[hubrelay test] " + summary
	}
	return fit(summary, MaxSummary, b.opts.Language), description, severity, nil
}

// findingText is the description of an issue about one finding: the
// description template's output when one is configured, else the built-in
// text.
func (b *Builder) findingText(v render.View) (encoded, error) {
	fallback := func() []block { return minimalBlocks(v, b.opts.Language) }
	if b.description == nil {
		return fitBlocks(b.version, func(c caps) []block { return findingBlocks(clipView(v, c)) }, fallback), nil
	}
	var execErr error
	e := fitBlocks(b.version, func(c caps) []block {
		out, err := b.description.Execute(clipView(v, c))
		if err != nil {
			execErr = err
			return nil
		}
		// The template's own text counts too: cut it with the caps.
		return templateBlocks(render.Clip(string(out), 3*c.text, b.opts.Language))
	}, fallback)
	if execErr != nil {
		return encoded{}, fmt.Errorf("description: %w", execErr)
	}
	return e, nil
}

// comment is the comment for a message about an existing issue.
func (b *Builder) comment(m *notify.Message) encoded {
	if m.Digest != nil {
		d, omitted := b.digestView(m.Digest)
		return b.digestText(d, omitted)
	}
	v := b.view(m)
	return fitBlocks(b.version,
		func(c caps) []block { return commentBlocks(clipView(v, c)) },
		func() []block { return minimalBlocks(v, b.opts.Language) })
}

func (b *Builder) digestText(d render.DigestView, omitted int) encoded {
	return fitBlocks(b.version,
		func(c caps) []block { return digestBlocks(d, omitted, c) },
		func() []block { return digestFallback(d, omitted) })
}

// digestFallback is the smallest text about a digest, used when nothing
// else fits Jira's limit: its summary and the console link to the set.
func digestFallback(d render.DigestView, omitted int) []block {
	blocks := []block{paragraph(strong(digestSummary(d, omitted)))}
	if url := safeLink(d.ConsoleURL); url != "" {
		blocks = append(blocks, paragraph(link(render.Translate(d.Language, render.MsgDigestOpenAll), url)))
	}
	return blocks
}

// view is the display-ready finding of a single-finding message, with the
// heading for its kind.
func (b *Builder) view(m *notify.Message) render.View {
	return render.NewView(m.Finding, b.opts).WithEvent(eventOf(m.Kind))
}

// digestView summarizes a digest; omitted is how many findings of the group
// the message leaves out.
func (b *Builder) digestView(d *notify.Digest) (render.DigestView, int) {
	v := render.NewDigestView(d.Findings, b.opts)
	return v, max(0, d.Total-v.Total)
}

// eventOf maps a message kind to the view event that picks its wording.
func eventOf(k notify.Kind) render.Event {
	switch k {
	case notify.KindResolved:
		return render.EventResolved
	case notify.KindReopened:
		return render.EventReopened
	case notify.KindReminder:
		return render.EventReminder
	}
	return render.EventNew
}

// highestSeverity is the most severe label among fs.
func highestSeverity(fs []*finding.Finding) string {
	best, bestRank := "", len(render.SeverityLabels())
	for _, f := range fs {
		if f == nil {
			continue
		}
		for rank, label := range render.SeverityLabels() {
			if rank < bestRank && strings.EqualFold(f.Severity.Label, label) {
				best, bestRank = label, rank
			}
		}
	}
	return best
}

// oneLine makes template output fit a one-line field.
func oneLine(s string) string {
	return strings.TrimSpace(render.SingleLine(s))
}
