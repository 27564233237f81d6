package backlog

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Notifier delivers messages to one Backlog project. It is immutable after
// New and safe for concurrent use.
type Notifier struct {
	name    string
	base    string
	builder *Builder
	api     *client
	log     *slog.Logger
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns the backlog destination called name. It is the constructor
// registered in package destinations (notify.Typed(backlog.New)). It
// validates cfg, keeps a copy, and touches no network. The API key joins
// env.Redactor's secrets for every error and log line of this destination.
func New(name string, cfg *Config, env notify.Env) (*Notifier, error) {
	if cfg == nil {
		return nil, fmt.Errorf("backlog: no config")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("backlog: %w", err)
	}
	env = env.WithDefaults()
	lang, err := render.ParseLanguage(env.Language)
	if err != nil {
		lang = render.English
	}
	opts := render.Options{Language: lang, Location: env.Location, Region: env.Region}
	builder, err := NewBuilder(cfg, opts)
	if err != nil {
		return nil, err
	}
	red := env.Redactor.With(cfg.APIKey)
	return &Notifier{
		name:    name,
		base:    cfg.baseURL(),
		builder: builder,
		api:     newClient(cfg.baseURL(), cfg.APIKey, env, red),
		log:     red.Logger(env.Logger).With(slog.String("destination", name)),
	}, nil
}

// Notify delivers m (see Builder.Build for what each message does) and
// returns the issue's receipt: ID is the issue key (SEC-123), URL the
// issue's page, or the comment's when it added one. A resolved finding
// that never had an issue succeeds with an empty receipt. Failures are
// classified by notify; a message Backlog could never accept is permanent.
func (n *Notifier) Notify(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	req, err := n.builder.Build(m)
	if err != nil {
		return notify.Receipt{}, notify.Permanent(fmt.Errorf("backlog: %w", err))
	}
	attrs := messageAttrs(m)
	switch req.Action {
	case ActionNone:
		n.log.Info("backlog: nothing to do", append(attrs, slog.String("reason", req.Reason))...)
		return notify.Receipt{}, nil
	case ActionCreateIssue:
		var issue issueAnswer
		if err := n.api.send(ctx, req, &issue); err != nil {
			return notify.Receipt{}, fmt.Errorf("backlog: %s: %w", req.Action, err)
		}
		if !issueKeyPattern.MatchString(issue.IssueKey) {
			return notify.Receipt{}, notify.Permanent(fmt.Errorf("backlog: %s: %w", req.Action, errNoIssueKey))
		}
		n.log.Info("backlog issue created", append(attrs, slog.String("issue_key", issue.IssueKey))...)
		return notify.Receipt{ID: issue.IssueKey, URL: n.issueURL(issue.IssueKey)}, nil
	case ActionAddComment:
		var comment commentAnswer
		if err := n.api.send(ctx, req, &comment); err != nil {
			return notify.Receipt{}, fmt.Errorf("backlog: %s on %s: %w", req.Action, req.IssueKey, err)
		}
		n.log.Info("backlog comment added", append(attrs, slog.String("issue_key", req.IssueKey), slog.Int64("comment_id", comment.ID))...)
		link := n.issueURL(req.IssueKey)
		if comment.ID > 0 {
			link += "#comment-" + strconv.FormatInt(comment.ID, 10)
		}
		return notify.Receipt{ID: req.IssueKey, URL: link}, nil
	case ActionUpdateIssue:
		var issue issueAnswer
		if err := n.api.send(ctx, req, &issue); err != nil {
			return notify.Receipt{}, fmt.Errorf("backlog: %s %s: %w", req.Action, req.IssueKey, err)
		}
		n.log.Info("backlog issue status changed", append(attrs, slog.String("issue_key", req.IssueKey), slog.String("status_id", req.Form.Get("statusId")))...)
		return notify.Receipt{ID: req.IssueKey, URL: n.issueURL(req.IssueKey)}, nil
	}
	return notify.Receipt{}, notify.Permanent(fmt.Errorf("backlog: unknown action %q", req.Action))
}

// issueURL is the page of an issue: {space}/view/{issueKey}.
func (n *Notifier) issueURL(key string) string {
	return n.base + "/view/" + url.PathEscape(key)
}

// messageAttrs are the log attributes that identify a delivery.
func messageAttrs(m *notify.Message) []any {
	attrs := []any{slog.String("route", m.Route), slog.String("kind", string(m.Kind)), slog.String("key", m.Key)}
	if m.Finding != nil {
		attrs = append(attrs, slog.String("finding_id", m.Finding.ID))
	}
	if m.Digest != nil {
		attrs = append(attrs, slog.Int("findings", len(m.Digest.Findings)))
	}
	return attrs
}
