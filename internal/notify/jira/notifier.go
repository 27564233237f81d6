package jira

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Notifier delivers messages to one Jira project. It is immutable after New
// and safe for concurrent use.
type Notifier struct {
	name    string
	base    string
	project string
	builder *Builder
	api     *client
	log     *slog.Logger
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns the jira destination called name. It is the constructor
// registered in package destinations (notify.Typed(jira.New)). It validates
// cfg, keeps a copy, and touches no network. The API token, the personal
// access token and the Basic credentials built from them join env.Redactor's
// secrets for every error and log line of this destination.
func New(name string, cfg *Config, env notify.Env) (*Notifier, error) {
	if cfg == nil {
		return nil, errors.New("jira: no config")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("jira: %w", err)
	}
	env = env.WithDefaults()
	lang, err := render.ParseLanguage(env.Language)
	if err != nil {
		lang = render.English
	}
	builder, err := NewBuilder(cfg, render.Options{Language: lang, Location: env.Location, Region: env.Region})
	if err != nil {
		return nil, err
	}
	red := env.Redactor.With(cfg.APIToken, cfg.PersonalAccessToken, basicCredentials(cfg))
	return &Notifier{
		name:    name,
		base:    cfg.baseURL(),
		project: strings.TrimSpace(cfg.ProjectKey),
		builder: builder,
		api:     newClient(cfg.baseURL(), authorization(cfg), env, red),
		log:     red.Logger(env.Logger).With(slog.String("destination", name)),
	}, nil
}

// Notify delivers m (see Builder.Build for what each message does) and
// returns the issue's receipt: ID is the issue key (SEC-123), URL the
// issue's page, {url}/browse/SEC-123. A resolved finding that never had an
// issue succeeds with an empty receipt. Failures are classified by notify;
// a message Jira could never accept is permanent. When a transition or
// comment fails after the issue is known, the receipt names the issue.
//
// Every new issue is labelled with the delivery's marker (notify.Marker).
// When m.Attempt > 1 (an earlier attempt may have created the issue and
// lost the answer), Notify first searches the project for an issue with
// that label (POST /rest/api/3/search/jql on Jira Cloud, GET
// /rest/api/2/search on Server and Data Center) and returns its receipt
// instead of creating a second one.
func (n *Notifier) Notify(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	req, err := n.builder.Build(m)
	if err != nil {
		return notify.Receipt{}, notify.Permanent(fmt.Errorf("jira: %w", err))
	}
	attrs := messageAttrs(m)
	switch req.Action {
	case ActionNone:
		n.log.Info("jira: nothing to do", append(attrs, slog.String("reason", req.Reason))...)
		return notify.Receipt{}, nil
	case ActionCreateIssue:
		return n.createIssue(ctx, req, m.Attempt > 1, attrs)
	case ActionAddComment:
		rc := n.receipt(req.IssueKey)
		if err := n.addComment(ctx, req, attrs); err != nil {
			return rc, err
		}
		return rc, nil
	case ActionTransition:
		return n.transition(ctx, req, attrs)
	}
	return notify.Receipt{}, notify.Permanent(fmt.Errorf("jira: unknown action %q", req.Action))
}

// createIssue creates the issue of req, or, on a retry, returns the issue an
// earlier attempt created.
func (n *Notifier) createIssue(ctx context.Context, req Request, retried bool, attrs []any) (notify.Receipt, error) {
	if retried && req.Marker != "" {
		key, err := n.findIssue(ctx, req)
		if err != nil {
			return notify.Receipt{}, fmt.Errorf("jira: look for the issue of an earlier attempt: %w", err)
		}
		if key != "" {
			n.log.Info("jira issue already created by an earlier attempt", append(attrs, slog.String("issue_key", key))...)
			return n.receipt(key), nil
		}
	}
	var issue createdIssue
	if err := n.api.call(ctx, http.MethodPost, req.IssuePath(), req.Issue, &issue); err != nil {
		return notify.Receipt{}, fmt.Errorf("jira: %s: %w", req.Action, err)
	}
	if !issueKeyPattern.MatchString(issue.Key) {
		return notify.Receipt{}, notify.Permanent(fmt.Errorf("jira: %s: %w", req.Action, errNoIssueKey))
	}
	n.log.Info("jira issue created", append(attrs, slog.String("issue_key", issue.Key))...)
	return n.receipt(issue.Key), nil
}

func (n *Notifier) addComment(ctx context.Context, req Request, attrs []any) error {
	var comment createdComment
	if err := n.api.call(ctx, http.MethodPost, req.CommentPath(), req.Comment, &comment); err != nil {
		return fmt.Errorf("jira: add comment on %s: %w", req.IssueKey, err)
	}
	n.log.Info("jira comment added", append(attrs, slog.String("issue_key", req.IssueKey), slog.String("comment_id", comment.ID))...)
	return nil
}

// transition moves the issue through the configured transition, then
// comments why. When the issue offers no such transition but already is
// where it would lead (closed by hand before the finding resolved), only
// the comment is added.
func (n *Notifier) transition(ctx context.Context, req Request, attrs []any) (notify.Receipt, error) {
	rc := n.receipt(req.IssueKey)
	t := req.Transition
	var offered TransitionsAnswer
	if err := n.api.call(ctx, http.MethodGet, req.TransitionsPath(), nil, &offered); err != nil {
		return rc, fmt.Errorf("jira: get transitions of %s: %w", req.IssueKey, err)
	}
	if id, ok := PickTransition(offered.Transitions, t.Name); ok {
		body := TransitionRequest{Transition: TransitionRef{ID: id}, Fields: t.Fields}
		if err := n.api.call(ctx, http.MethodPost, req.TransitionsPath(), body, nil); err != nil {
			return rc, fmt.Errorf("jira: transition %s with %q: %w", req.IssueKey, t.Name, err)
		}
		n.log.Info("jira issue transitioned", append(attrs, slog.String("issue_key", req.IssueKey), slog.String("transition", t.Name))...)
	} else {
		var issue IssueStatusAnswer
		if err := n.api.call(ctx, http.MethodGet, req.StatusPath(), nil, &issue); err != nil {
			return rc, fmt.Errorf("jira: get status of %s: %w", req.IssueKey, err)
		}
		status := issue.Fields.Status
		if !settled(status, t.Resolve) {
			return rc, notify.Permanent(fmt.Errorf("jira: transition %s: the issue (status %q) offers no transition %q; offered: %s",
				req.IssueKey, cutRunes(status.Name, 100), t.Name, offeredNames(offered.Transitions)))
		}
		n.log.Info("jira issue already in place, not transitioned", append(attrs,
			slog.String("issue_key", req.IssueKey), slog.String("transition", t.Name), slog.String("status", status.Name))...)
	}
	if err := n.addComment(ctx, req, attrs); err != nil {
		return rc, err
	}
	return rc, nil
}

// receipt is the receipt of issue key: its page, {url}/browse/{key}.
func (n *Notifier) receipt(key string) notify.Receipt {
	return notify.Receipt{ID: key, URL: n.base + "/browse/" + url.PathEscape(key)}
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
