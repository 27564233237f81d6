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
	name      string
	base      string
	projectID int64
	builder   *Builder
	api       *client
	log       *slog.Logger
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
		name:      name,
		base:      cfg.baseURL(),
		projectID: cfg.ProjectID,
		builder:   builder,
		api:       newClient(cfg.baseURL(), cfg.APIKey, env, red),
		log:       red.Logger(env.Logger).With(slog.String("destination", name)),
	}, nil
}

// Notify delivers m (see Builder.Build for what each message does) and
// returns the issue's receipt: ID is the issue key (SEC-123), URL the
// issue's page, or the comment's when it added one. A resolved finding
// that never had an issue succeeds with an empty receipt. Failures are
// classified by notify; a message Backlog could never accept is permanent.
//
// Backlog has no idempotency key, so every issue description and comment
// ends with the delivery's marker (see markerLabel). When m.Attempt > 1
// (an earlier attempt may have been applied and its answer lost), Notify
// first looks for it: an issue of the project whose description carries
// it (Get Issue List) instead of adding an issue, a comment on the issue
// that carries it (Get Comment List) instead of adding a comment or
// changing the status, and returns the receipt of what it finds.
func (n *Notifier) Notify(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	req, err := n.builder.Build(m)
	if err != nil {
		return notify.Receipt{}, notify.Permanent(fmt.Errorf("backlog: %w", err))
	}
	attrs := messageAttrs(m)
	retried := m.Attempt > 1 && req.Marker != ""
	switch req.Action {
	case ActionNone:
		n.log.Info("backlog: nothing to do", append(attrs, slog.String("reason", req.Reason))...)
		return notify.Receipt{}, nil
	case ActionCreateIssue:
		return n.createIssue(ctx, req, retried, attrs)
	case ActionAddComment:
		return n.addComment(ctx, req, retried, attrs)
	case ActionUpdateIssue:
		return n.updateIssue(ctx, req, retried, attrs)
	}
	return notify.Receipt{}, notify.Permanent(fmt.Errorf("backlog: unknown action %q", req.Action))
}

// createIssue adds the issue of req, or, on a retry, returns the issue an
// earlier attempt added.
func (n *Notifier) createIssue(ctx context.Context, req Request, retried bool, attrs []any) (notify.Receipt, error) {
	if retried {
		found, err := n.findIssue(ctx, req.Marker)
		if err != nil {
			return notify.Receipt{}, fmt.Errorf("backlog: look for the issue of an earlier attempt: %w", err)
		}
		if found != nil {
			n.log.Info("backlog issue already created by an earlier attempt", append(attrs, slog.String("issue_key", found.IssueKey))...)
			return notify.Receipt{ID: found.IssueKey, URL: n.issueURL(found.IssueKey)}, nil
		}
	}
	var issue issueAnswer
	if err := n.api.send(ctx, req, &issue); err != nil {
		return notify.Receipt{}, fmt.Errorf("backlog: %s: %w", req.Action, err)
	}
	if !issueKeyPattern.MatchString(issue.IssueKey) {
		return notify.Receipt{}, notify.Permanent(fmt.Errorf("backlog: %s: %w", req.Action, errNoIssueKey))
	}
	n.log.Info("backlog issue created", append(attrs, slog.String("issue_key", issue.IssueKey))...)
	return notify.Receipt{ID: issue.IssueKey, URL: n.issueURL(issue.IssueKey)}, nil
}

// addComment adds the comment of req, or, on a retry, returns the comment
// an earlier attempt added.
func (n *Notifier) addComment(ctx context.Context, req Request, retried bool, attrs []any) (notify.Receipt, error) {
	attrs = append(attrs, slog.String("issue_key", req.IssueKey))
	if retried {
		found, err := n.findComment(ctx, req.IssueKey, req.Marker)
		if err != nil {
			return notify.Receipt{}, fmt.Errorf("backlog: look for the comment of an earlier attempt on %s: %w", req.IssueKey, err)
		}
		if found != nil {
			n.log.Info("backlog comment already added by an earlier attempt", append(attrs, slog.Int64("comment_id", found.ID))...)
			return notify.Receipt{ID: req.IssueKey, URL: n.commentURL(req.IssueKey, found.ID)}, nil
		}
	}
	var comment commentAnswer
	if err := n.api.send(ctx, req, &comment); err != nil {
		return notify.Receipt{}, fmt.Errorf("backlog: %s on %s: %w", req.Action, req.IssueKey, err)
	}
	n.log.Info("backlog comment added", append(attrs, slog.Int64("comment_id", comment.ID))...)
	return notify.Receipt{ID: req.IssueKey, URL: n.commentURL(req.IssueKey, comment.ID)}, nil
}

// updateIssue changes the status of the issue of req with a comment.
//
// Setting a status is idempotent: sent twice, the issue ends in the same
// status. What a repeat would duplicate is the comment sent with it.
// Update Issue applies the status and the comment together, so on a retry
// a comment carrying this delivery's marker proves the earlier attempt was
// applied whole, and nothing is sent.
func (n *Notifier) updateIssue(ctx context.Context, req Request, retried bool, attrs []any) (notify.Receipt, error) {
	attrs = append(attrs, slog.String("issue_key", req.IssueKey))
	rc := notify.Receipt{ID: req.IssueKey, URL: n.issueURL(req.IssueKey)}
	if retried {
		found, err := n.findComment(ctx, req.IssueKey, req.Marker)
		if err != nil {
			return notify.Receipt{}, fmt.Errorf("backlog: look for the update of an earlier attempt on %s: %w", req.IssueKey, err)
		}
		if found != nil {
			n.log.Info("backlog issue status already changed by an earlier attempt", append(attrs, slog.Int64("comment_id", found.ID))...)
			return rc, nil
		}
	}
	var issue issueAnswer
	if err := n.api.send(ctx, req, &issue); err != nil {
		return notify.Receipt{}, fmt.Errorf("backlog: %s %s: %w", req.Action, req.IssueKey, err)
	}
	n.log.Info("backlog issue status changed", append(attrs, slog.String("status_id", req.Form.Get("statusId")))...)
	return rc, nil
}

// issueURL is the page of an issue: {space}/view/{issueKey}.
func (n *Notifier) issueURL(key string) string {
	return n.base + "/view/" + url.PathEscape(key)
}

// commentURL is the page of comment id on issue key ({issue page}#comment-{id}),
// the issue's page when id is unknown.
func (n *Notifier) commentURL(key string, id int64) string {
	link := n.issueURL(key)
	if id > 0 {
		link += "#comment-" + strconv.FormatInt(id, 10)
	}
	return link
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
