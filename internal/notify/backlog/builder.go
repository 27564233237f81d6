package backlog

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Action is what a Request does to the Backlog project.
type Action string

// The actions a message can lead to.
const (
	// ActionCreateIssue adds an issue (Add Issue).
	ActionCreateIssue Action = "create issue"
	// ActionAddComment comments on the issue of Message.Previous (Add
	// Comment).
	ActionAddComment Action = "add comment"
	// ActionUpdateIssue changes the status of the issue of
	// Message.Previous and comments why (Update Issue).
	ActionUpdateIssue Action = "update issue"
	// ActionNone sends nothing: a resolved finding that never had an
	// issue.
	ActionNone Action = "none"
)

// Request is one Backlog API call, without the space address and the API
// key, which the Notifier adds. Build returns a new Request each time; the
// caller owns it.
type Request struct {
	Action Action
	// Method is POST or PATCH; empty for ActionNone.
	Method string
	// Path is the API path, e.g. /api/v2/issues/SEC-12/comments.
	Path string
	// Form is the application/x-www-form-urlencoded body.
	Form url.Values
	// IssueKey is the issue a comment or update acts on.
	IssueKey string
	// Reason says why nothing is sent (ActionNone).
	Reason string
	// Marker is the delivery's marker (notify.Marker of Message.Key),
	// written on the last line of the issue's description or the
	// comment; empty when the message has no key. On a retry the
	// Notifier looks for it before creating the issue or the comment
	// again.
	Marker string
}

// Builder turns messages into Backlog requests. Build it once per
// destination with NewBuilder; it is immutable and safe for concurrent use.
type Builder struct {
	cfg    Config
	opts   render.Options
	format TextFormat
	mk     markup

	summary     *render.Template // nil: the built-in title
	description *render.Template // nil: the built-in Backlog notation text
	comment     *render.Template // nil: the built-in comment
	message     *render.Renderer // the `message:` override; nil when unset
}

// NewBuilder compiles cfg's templates for opts (language, time zone and
// console region). cfg.Language, when set, overrides opts.Language. The
// API key is not kept.
func NewBuilder(cfg *Config, opts render.Options) (*Builder, error) {
	if cfg == nil {
		return nil, errors.New("backlog: no config")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("backlog: %w", err)
	}
	if cfg.Language != "" {
		lang, _ := render.ParseLanguage(cfg.Language) // validated above
		opts.Language = lang
	}
	format, _ := parseTextFormat(cfg.TextFormat) // validated above
	b := &Builder{cfg: *cfg, opts: opts, format: format, mk: markupFor(format)}
	b.cfg.APIKey = ""
	var err error
	if b.summary, err = render.LoadTemplate(render.KindIssueTitle, cfg.SummaryTemplate, opts); err != nil {
		return nil, fmt.Errorf("backlog: summary_template: %w", err)
	}
	if strings.TrimSpace(cfg.DescriptionTemplate) != "" || format == FormatMarkdown {
		// render's built-in Backlog description is Backlog Markdown; for
		// Backlog notation the built-in is notationDescription.
		if b.description, err = render.LoadTemplate(render.KindBacklogDescription, cfg.DescriptionTemplate, opts); err != nil {
			return nil, fmt.Errorf("backlog: description_template: %w", err)
		}
	}
	if b.message, err = cfg.Message.Compile(overrideName, opts); err != nil {
		return nil, fmt.Errorf("backlog: %w", err)
	}
	if strings.TrimSpace(cfg.CommentTemplate) != "" {
		if b.comment, err = render.NewTemplate("comment_template", cfg.CommentTemplate, opts); err != nil {
			return nil, fmt.Errorf("backlog: comment_template: %w", err)
		}
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

// issueKeyPattern matches a Backlog issue key (PROJECT-123) or an issue ID.
var issueKeyPattern = regexp.MustCompile(`^(?:[A-Z][A-Z0-9_]*-[0-9]+|[0-9]+)$`)

// Build returns the request that delivers m, a pure function of m and the
// Builder:
//
//   - no Previous issue: Add Issue (KindResolved: nothing, there is no
//     issue to close);
//   - Previous and KindResolved: Update Issue to the resolved status, with
//     a comment;
//   - Previous and KindReopened: Update Issue back to the reopened status,
//     with a comment;
//   - Previous otherwise (a reminder, a repeated digest): Add Comment.
//
// A `message:` override (Config.Message), where it applies, writes the
// description of a new issue and the comments (format text), or the Add
// Issue form, the configuration filling what it omits (format json; see
// createIssueFromJSON).
//
// The description of a new issue and every comment end with the
// delivery's marker line (see Request.Marker), within Backlog's limits.
//
// Errors are permanent: a message Backlog could never accept.
func (b *Builder) Build(m *notify.Message) (Request, error) {
	if err := m.Validate(); err != nil {
		return Request{}, err
	}
	key, err := previousKey(m.Previous)
	if err != nil {
		return Request{}, err
	}
	switch {
	case key == "" && m.Kind == notify.KindResolved:
		return Request{Action: ActionNone, Reason: "no Backlog issue was created for this finding, so there is none to close"}, nil
	case key == "":
		return b.newIssue(m)
	case m.Kind == notify.KindResolved:
		return b.updateStatus(m, key, b.cfg.resolvedStatus(), b.cfg.ResolutionID)
	case m.Kind == notify.KindReopened:
		return b.updateStatus(m, key, b.cfg.reopenedStatus(), nil)
	default:
		return b.addComment(m, key)
	}
}

// previousKey returns the issue key of an earlier delivery, "" when there
// was none.
func previousKey(prev *notify.Receipt) (string, error) {
	if prev == nil || prev.ID == "" {
		return "", nil
	}
	if !issueKeyPattern.MatchString(prev.ID) {
		return "", fmt.Errorf("previous receipt: %q is not a Backlog issue key (PROJECT-123)", render.SingleLine(prev.ID))
	}
	return prev.ID, nil
}

func (b *Builder) createIssue(m *notify.Message) (Request, error) {
	marker := notify.Marker(m.Key)
	summary, description, severity, err := b.issueText(m, MaxDescription-markerRoom(marker))
	if err != nil {
		return Request{}, err
	}
	form := url.Values{}
	form.Set("projectId", formatID(b.cfg.ProjectID))
	form.Set("summary", summary)
	form.Set("issueTypeId", formatID(b.cfg.IssueTypeID))
	form.Set("priorityId", formatID(b.cfg.priorityFor(severity)))
	form.Set("description", withMarker(description, marker))
	if b.cfg.ParentIssueID > 0 {
		form.Set("parentIssueId", formatID(b.cfg.ParentIssueID))
	}
	if b.cfg.AssigneeID > 0 {
		form.Set("assigneeId", formatID(b.cfg.AssigneeID))
	}
	for _, id := range b.cfg.CategoryIDs {
		form.Add("categoryId[]", formatID(id))
	}
	b.addNotified(form)
	for _, p := range customFieldParams(b.cfg.CustomFields) {
		form.Add(p[0], p[1])
	}
	return Request{Action: ActionCreateIssue, Method: http.MethodPost, Path: "/api/v2/issues", Form: form, Marker: marker}, nil
}

func (b *Builder) addComment(m *notify.Message, key string) (Request, error) {
	content, err := b.commentText(m)
	if err != nil {
		return Request{}, err
	}
	form := url.Values{}
	form.Set("content", content)
	b.addNotified(form)
	return Request{
		Action: ActionAddComment, Method: http.MethodPost,
		Path: "/api/v2/issues/" + url.PathEscape(key) + "/comments", Form: form, IssueKey: key,
		Marker: notify.Marker(m.Key),
	}, nil
}

func (b *Builder) updateStatus(m *notify.Message, key string, status int64, resolution *int64) (Request, error) {
	comment, err := b.commentText(m)
	if err != nil {
		return Request{}, err
	}
	form := url.Values{}
	form.Set("statusId", formatID(status))
	if resolution != nil {
		form.Set("resolutionId", formatID(*resolution))
	}
	form.Set("comment", comment)
	return Request{
		Action: ActionUpdateIssue, Method: http.MethodPatch,
		Path: "/api/v2/issues/" + url.PathEscape(key), Form: form, IssueKey: key,
		Marker: notify.Marker(m.Key),
	}, nil
}

func (b *Builder) addNotified(form url.Values) {
	for _, id := range b.cfg.NotifiedUserIDs {
		form.Add("notifiedUserId[]", formatID(id))
	}
}

// issueText returns the summary and description of a new issue, the
// description cut to maxDescription, and the severity label its priority
// follows.
func (b *Builder) issueText(m *notify.Message, maxDescription int) (summary, description, severity string, err error) {
	lang := b.language()
	if m.Digest != nil {
		d, omitted := b.digestView(m.Digest)
		summary = digestSummary(d, omitted)
		description = digestText(d, omitted, b.mk)
		if out, ok, err := b.renderOverride(m, render.FormatText); err != nil {
			return "", "", "", err
		} else if ok {
			description = strings.TrimRight(string(out), " \t\n")
		}
		severity = highestSeverity(m.Digest.Findings)
	} else {
		v := b.view(m)
		out, err := b.summary.Execute(v)
		if err != nil {
			return "", "", "", fmt.Errorf("summary: %w", err)
		}
		summary = oneLine(string(out))
		if summary == "" {
			summary = oneLine(v.Title)
		}
		if summary == "" {
			summary = v.Heading
		}
		if out, ok, err := b.renderOverride(m, render.FormatText); err != nil {
			return "", "", "", err
		} else if ok {
			description = strings.TrimRight(string(out), " \t\n")
		} else if b.description != nil {
			out, err := b.description.Execute(v)
			if err != nil {
				return "", "", "", fmt.Errorf("description: %w", err)
			}
			description = strings.TrimRight(string(out), " \t\n")
		} else {
			description = notationDescription(v)
		}
		severity = m.Finding.Severity.Label
	}
	if m.Kind == notify.KindTest {
		summary = "[hubrelay test] " + summary
	}
	return render.FitUTF16(summary, MaxSummary, lang), render.FitUTF16(description, maxDescription, lang), severity, nil
}

// commentText is the comment for a message about an existing issue,
// ending with the delivery's marker line.
func (b *Builder) commentText(m *notify.Message) (string, error) {
	var text string
	out, overridden, err := b.renderOverride(m, render.FormatText)
	if err != nil {
		return "", err
	}
	switch {
	case overridden:
		text = strings.TrimRight(string(out), " \t\n")
	case m.Digest != nil:
		d, omitted := b.digestView(m.Digest)
		text = digestText(d, omitted, b.mk)
	case b.comment != nil:
		out, err := b.comment.Execute(b.view(m))
		if err != nil {
			return "", fmt.Errorf("comment: %w", err)
		}
		text = strings.TrimRight(string(out), " \t\n")
	default:
		text = builtinComment(b.view(m), b.mk)
	}
	marker := notify.Marker(m.Key)
	return withMarker(render.FitUTF16(text, MaxComment-markerRoom(marker), b.language()), marker), nil
}

// view is the display-ready finding of a single-finding message, with the
// heading for its kind and every field capped.
func (b *Builder) view(m *notify.Message) render.View {
	return clipView(render.NewView(m.Finding, b.opts).WithEvent(eventOf(m.Kind)))
}

// digestView summarizes a digest; omitted is how many findings of the
// group the message leaves out.
func (b *Builder) digestView(d *notify.Digest) (render.DigestView, int) {
	v := render.NewDigestView(d.Findings, b.opts)
	return v, max(0, d.Total-v.Total)
}

func (b *Builder) language() render.Language {
	if b.opts.Language == render.Japanese {
		return render.Japanese
	}
	return render.English
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
		for rank, label := range render.SeverityLabels() {
			if rank < bestRank && f != nil && strings.EqualFold(f.Severity.Label, label) {
				best, bestRank = label, rank
			}
		}
	}
	return best
}

func formatID(id int64) string { return strconv.FormatInt(id, 10) }
