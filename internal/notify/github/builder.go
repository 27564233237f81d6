package github

import (
	"embed"
	"errors"
	"fmt"
	"strconv"
	"strings"

	gh "github.com/google/go-github/v89/github"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Action is what a Request does to the repository.
type Action string

// The actions a message can lead to.
const (
	// ActionCreate opens an issue (Create an issue), unless an earlier,
	// interrupted attempt at the same delivery already did.
	ActionCreate Action = "create issue"
	// ActionComment comments on the issue of Message.Previous (Create an
	// issue comment).
	ActionComment Action = "comment"
	// ActionClose closes the issue of Message.Previous as completed
	// (Update an issue) and comments why.
	ActionClose Action = "close issue"
	// ActionReopen reopens the issue of Message.Previous (Update an
	// issue) and comments why.
	ActionReopen Action = "reopen issue"
	// ActionNone sends nothing: a resolved finding that never had an
	// issue.
	ActionNone Action = "none"
)

// GitHub's issue states and state reasons (Update an issue: state "open"
// or "closed"; state_reason "completed", "not_planned", "duplicate" or
// "reopened").
const (
	stateOpen       = "open"
	stateClosed     = "closed"
	reasonCompleted = "completed"
	reasonReopened  = "reopened"
)

// Request is what delivering one message takes, without the repository
// and the token, which the Notifier adds. Build returns a new Request
// each time; the caller owns it.
type Request struct {
	Action Action
	// Number is the issue that ActionComment, ActionClose and
	// ActionReopen act on (from Message.Previous.ID).
	Number int
	// Issue is the body of Create an issue: title, body, labels and
	// assignees (ActionCreate).
	Issue *gh.IssueRequest
	// State is the body of Update an issue: state and state_reason
	// (ActionClose, ActionReopen).
	State *gh.IssueRequest
	// Comment is the Markdown of the comment (ActionComment, ActionClose,
	// ActionReopen).
	Comment string
	// Marker is the hidden HTML comment at the end of Issue.Body that
	// names the delivery (Message.Key), so that a retry finds the issue
	// an interrupted attempt created instead of opening a second one.
	// Empty when the message has no key.
	Marker string
	// Reason says why nothing is sent (ActionNone).
	Reason string
}

// builtinFS holds this destination's own templates; render has no
// Markdown digest or comment.
//
//go:embed templates/*.tmpl
var builtinFS embed.FS

// Builder turns messages into Requests. Build it once per destination
// with NewBuilder; it is immutable and safe for concurrent use.
type Builder struct {
	cfg  Config
	opts render.Options

	title   *render.Template
	body    *render.Template
	comment *render.Template
	digest  *render.Template
	message *render.Renderer // the `message:` override; nil when unset
}

// NewBuilder checks cfg and compiles its templates for opts (language, time
// zone and console region); cfg.Language, when set, overrides
// opts.Language. The token is not kept.
func NewBuilder(cfg *Config, opts render.Options) (*Builder, error) {
	if cfg == nil {
		return nil, errors.New("github: no config")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("github: %w", err)
	}
	if cfg.Language != "" {
		opts.Language, _ = render.ParseLanguage(cfg.Language) // validated above
	}
	if opts.Language != render.Japanese {
		opts.Language = render.English
	}
	b := &Builder{cfg: *cfg, opts: opts}
	b.cfg.Token = ""
	var err error
	if b.title, err = render.LoadTemplate(render.KindIssueTitle, cfg.TitleTemplate, opts); err != nil {
		return nil, fmt.Errorf("github: title_template: %w", err)
	}
	if b.body, err = render.LoadTemplate(render.KindIssueMarkdown, cfg.BodyTemplate, opts); err != nil {
		return nil, fmt.Errorf("github: body_template: %w", err)
	}
	commentText := cfg.CommentTemplate
	if strings.TrimSpace(commentText) == "" {
		if commentText, err = builtin("comment.md.tmpl"); err != nil {
			return nil, err
		}
	}
	if b.comment, err = render.NewTemplate("comment_template", commentText, opts); err != nil {
		return nil, fmt.Errorf("github: comment_template: %w", err)
	}
	if b.message, err = cfg.Message.Compile(overrideName, opts); err != nil {
		return nil, fmt.Errorf("github: %w", err)
	}
	digestText, err := builtin("digest.md.tmpl")
	if err != nil {
		return nil, err
	}
	if b.digest, err = render.NewTemplate("digest", digestText, opts); err != nil {
		return nil, fmt.Errorf("github: built-in digest template: %w", err)
	}
	return b, nil
}

// builtin returns one of the embedded templates.
func builtin(name string) (string, error) {
	data, err := builtinFS.ReadFile("templates/" + name)
	if err != nil {
		return "", fmt.Errorf("github: built-in template %s: %w", name, err)
	}
	return string(data), nil
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

// Build returns the Request that delivers m, a pure function of m and the
// Builder:
//
//   - no earlier issue (Message.Previous): open one (KindResolved:
//     nothing, there is no issue to close);
//   - an earlier issue and KindResolved: close it as completed, with a
//     comment;
//   - an earlier issue and KindReopened: reopen it, with a comment;
//   - an earlier issue otherwise (a reminder, a repeat, a digest of the
//     same group): comment on it;
//   - KindTest always opens an issue, its title prefixed "[hubrelay test]".
//
// A `message:` override (Config.Message), where it applies, writes a new
// issue's body (format text) or its title, body and extra labels (format
// json); comments keep their templates (see applyOverride).
//
// An invalid message, or a Previous whose ID is not an issue number, is an
// error: GitHub could never accept it.
func (b *Builder) Build(m *notify.Message) (Request, error) {
	if err := m.Validate(); err != nil {
		return Request{}, err
	}
	number, hasIssue, err := previousIssue(m.Previous)
	if err != nil {
		return Request{}, err
	}
	if m.Kind == notify.KindTest {
		hasIssue = false
	}
	switch {
	case m.Kind == notify.KindResolved && !hasIssue:
		return Request{Action: ActionNone, Reason: "the resolved finding has no issue to close"}, nil
	case !hasIssue:
		return b.create(m)
	}
	comment, err := b.commentText(m)
	if err != nil {
		return Request{}, err
	}
	req := Request{Action: ActionComment, Number: number, Comment: comment}
	switch m.Kind {
	case notify.KindResolved:
		req.Action = ActionClose
		req.State = &gh.IssueRequest{State: gh.Ptr(stateClosed), StateReason: gh.Ptr(reasonCompleted)}
	case notify.KindReopened:
		req.Action = ActionReopen
		req.State = &gh.IssueRequest{State: gh.Ptr(stateOpen), StateReason: gh.Ptr(reasonReopened)}
	}
	return req, nil
}

// previousIssue reads the issue number of an earlier delivery's receipt.
func previousIssue(rc *notify.Receipt) (int, bool, error) {
	if rc == nil || rc.ID == "" {
		return 0, false, nil
	}
	n, err := strconv.Atoi(strings.TrimPrefix(rc.ID, "#"))
	if err != nil || n <= 0 {
		return 0, false, fmt.Errorf("previous receipt: id %q is not a GitHub issue number", rc.ID)
	}
	return n, true, nil
}

// eventOf says which heading a message gets.
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

// create builds the request that opens an issue.
func (b *Builder) create(m *notify.Message) (Request, error) {
	var title, body, severity string
	var err error
	if m.Digest != nil {
		data := b.digestData(m)
		title = data.Title
		if m.Digest.GroupKey != "" {
			title += " — " + m.Digest.GroupKey
		}
		if body, err = b.execute(b.digest, data); err != nil {
			return Request{}, err
		}
		if len(data.Top) > 0 {
			severity = data.Top[0].Severity.Label
		}
	} else {
		v := b.view(m)
		if title, err = b.execute(b.title, v); err != nil {
			return Request{}, err
		}
		if oneLine(title) == "" {
			title = v.ID
		}
		if body, err = b.execute(b.body, v); err != nil {
			return Request{}, err
		}
		severity = m.Finding.Severity.Label
	}
	extraLabels, err := b.applyOverride(m, &title, &body)
	if err != nil {
		return Request{}, err
	}
	title = oneLine(title)
	if m.Kind == notify.KindTest {
		title = "[hubrelay test] " + title
	}
	marker := Marker(m.Key)
	room := MaxBody
	if marker != "" {
		room -= render.UTF16Len(marker) + 2
	}
	body = render.FitUTF16(defuseReferences(body), room, b.opts.Language)
	if marker != "" {
		body = strings.TrimRight(body, "\n") + "\n\n" + marker
	}
	issue := &gh.IssueRequest{
		Title: gh.Ptr(render.FitUTF16(title, MaxTitle, b.opts.Language)),
		Body:  gh.Ptr(body),
	}
	if labels := mergeLabels(b.cfg.issueLabels(severity), extraLabels); len(labels) > 0 {
		issue.Labels = &labels
	}
	if assignees := b.cfg.assignees(); len(assignees) > 0 {
		issue.Assignees = &assignees
	}
	return Request{Action: ActionCreate, Issue: issue, Marker: marker}, nil
}

// commentText is the comment for a message about an existing issue.
func (b *Builder) commentText(m *notify.Message) (string, error) {
	var text string
	var err error
	if m.Digest != nil {
		text, err = b.execute(b.digest, b.digestData(m))
	} else {
		text, err = b.execute(b.comment, b.view(m))
	}
	if err != nil {
		return "", err
	}
	return render.FitUTF16(defuseReferences(text), MaxBody, b.opts.Language), nil
}

// view is the display-ready view of a single-finding message.
func (b *Builder) view(m *notify.Message) render.View {
	return clipView(render.NewView(m.Finding, b.opts).WithEvent(eventOf(m.Kind)))
}

// execute runs t and trims the trailing white space templates leave.
func (b *Builder) execute(t *render.Template, data any) (string, error) {
	out, err := t.Execute(data)
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(out), " \t\r\n"), nil
}

// markerPrefix starts the hidden delivery marker; Marker documents it.
const markerPrefix = "<!-- hubrelay:delivery "

// Marker returns the HTML comment that names a delivery in the body of the
// issue it opens: "<!-- hubrelay:delivery hubrelay-<16 hex digits> -->",
// around notify.Marker(key), the marker every ticket destination writes.
// GitHub does not show HTML comments; before creating, the Notifier looks
// for the marker among the newest issues (on every attempt, so also when
// Message.Attempt > 1). An empty key has no marker. Pure.
func Marker(key string) string {
	m := notify.Marker(key)
	if m == "" {
		return ""
	}
	return markerPrefix + m + " -->"
}
