package github

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	gh "github.com/google/go-github/v89/github"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// recentIssues is how many of the newest issues a create looks through for
// the marker of an earlier, interrupted attempt at the same delivery.
const recentIssues = 25

// Notifier delivers messages to the issues of one repository. It is
// immutable after New and safe for concurrent use.
type Notifier struct {
	name    string
	owner   string
	repo    string
	builder *Builder
	api     *gh.Client
	red     *notify.Redactor
	log     *slog.Logger
	now     func() time.Time
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns the github destination called name. It is the constructor
// registered in package destinations (notify.Typed(github.New)). It
// validates cfg, compiles its templates and touches no network. The token
// joins env.Redactor's secrets for every error and log line of this
// destination.
func New(name string, cfg *Config, env notify.Env) (*Notifier, error) {
	if cfg == nil {
		return nil, errors.New("github: no config")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("github: %w", err)
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
	red := env.Redactor.With(cfg.Token)
	api, err := newAPI(cfg, env)
	if err != nil {
		return nil, red.Error(fmt.Errorf("github: %w", err))
	}
	return &Notifier{
		name:    name,
		owner:   cfg.Owner,
		repo:    cfg.Repo,
		builder: builder,
		api:     api,
		red:     red,
		log:     red.Logger(env.Logger).With(slog.String("destination", name)),
		now:     env.Now,
	}, nil
}

// Notify delivers m (see Builder.Build for what each message does) and
// returns the issue's receipt: ID is the issue number ("12"), URL its page
// (html_url). A resolved finding that never had an issue succeeds with an
// empty receipt; so does one whose issue was deleted (410). A comment or
// reopen whose issue GitHub does not find (404, 410) opens a new issue
// instead.
// When an issue's state changed but the comment after it failed, the
// receipt of the issue comes back with the error. Errors are classified
// (see classify) and never hold the token.
func (n *Notifier) Notify(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	rc, err := n.deliver(ctx, m)
	return rc, n.red.Error(err)
}

func (n *Notifier) deliver(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	req, err := n.builder.Build(m)
	if err != nil {
		return notify.Receipt{}, notify.Permanent(fmt.Errorf("github: %w", err))
	}
	attrs := messageAttrs(m)
	switch req.Action {
	case ActionNone:
		n.log.Info("github: nothing to do", append(attrs, slog.String("reason", req.Reason))...)
		return notify.Receipt{}, nil
	case ActionCreate:
		return n.create(ctx, req, attrs)
	}
	rc, err := n.update(ctx, m, req, attrs)
	if rc.IsZero() && issueMissing(err, m.Kind) {
		return n.replaceMissing(ctx, m, req, attrs)
	}
	return rc, err
}

// create opens the issue of req, or finds the one an interrupted earlier
// attempt at the same delivery opened.
func (n *Notifier) create(ctx context.Context, req Request, attrs []any) (notify.Receipt, error) {
	if req.Marker != "" {
		existing, err := n.findMarked(ctx, req.Marker)
		if err != nil {
			return notify.Receipt{}, fmt.Errorf("github: look for an issue of this delivery in %s/%s: %w", n.owner, n.repo, err)
		}
		if existing != nil {
			n.log.Info("github issue already created by an earlier attempt", append(attrs, slog.Int("issue_number", existing.GetNumber()))...)
			return receipt(existing.GetNumber(), existing.GetHTMLURL()), nil
		}
	}
	issue, _, err := n.api.Issues.Create(ctx, n.owner, n.repo, req.Issue)
	if err != nil {
		return notify.Receipt{}, fmt.Errorf("github: create issue in %s/%s: %w", n.owner, n.repo, classify(err, n.red, n.now()))
	}
	if issue.GetNumber() <= 0 {
		return notify.Receipt{}, notify.Permanent(fmt.Errorf("github: create issue in %s/%s: the answer holds no issue number", n.owner, n.repo))
	}
	n.log.Info("github issue created", append(attrs, slog.Int("issue_number", issue.GetNumber()))...)
	return receipt(issue.GetNumber(), issue.GetHTMLURL()), nil
}

// findMarked returns the newest issue (not pull request) whose body holds
// marker, or nil.
func (n *Notifier) findMarked(ctx context.Context, marker string) (*gh.Issue, error) {
	opts := &gh.IssueListByRepoOptions{State: "all", Sort: "created", Direction: "desc"}
	opts.ListOptions.PerPage = recentIssues
	issues, _, err := n.api.Issues.ListByRepo(ctx, n.owner, n.repo, opts)
	if err != nil {
		return nil, classify(err, n.red, n.now())
	}
	for _, issue := range issues {
		if issue.IsPullRequest() || issue.GetNumber() <= 0 {
			continue
		}
		if strings.Contains(issue.GetBody(), marker) {
			return issue, nil
		}
	}
	return nil, nil
}

// update changes the state of the issue of req when asked, then comments.
func (n *Notifier) update(ctx context.Context, m *notify.Message, req Request, attrs []any) (notify.Receipt, error) {
	rc := receipt(req.Number, m.Previous.URL)
	attrs = append(attrs, slog.Int("issue_number", req.Number))
	if req.State != nil {
		issue, _, err := n.api.Issues.Edit(ctx, n.owner, n.repo, req.Number, req.State)
		if err != nil {
			return notify.Receipt{}, fmt.Errorf("github: %s #%d in %s/%s: %w", req.Action, req.Number, n.owner, n.repo, classify(err, n.red, n.now()))
		}
		if u := issue.GetHTMLURL(); u != "" {
			rc.URL = u
		}
		n.log.Info("github issue state changed", append(attrs, slog.String("state", issue.GetState()), slog.String("state_reason", issue.GetStateReason()))...)
	}
	comment, _, err := n.api.Issues.CreateComment(ctx, n.owner, n.repo, req.Number, &gh.IssueComment{Body: gh.Ptr(req.Comment)})
	if err != nil {
		err = fmt.Errorf("github: comment on #%d in %s/%s: %w", req.Number, n.owner, n.repo, classify(err, n.red, n.now()))
		if req.State != nil {
			return rc, err // the state changed: say which issue exists
		}
		return notify.Receipt{}, err
	}
	if u := issueURLOf(comment.GetHTMLURL()); u != "" {
		rc.URL = u
	}
	n.log.Info("github comment added", append(attrs, slog.Int64("comment_id", comment.GetID()))...)
	return rc, nil
}

// replaceMissing handles an earlier issue GitHub no longer has: a resolved
// finding needs nothing more; anything else opens a new issue (which
// fails in turn when the 404 meant the token cannot see the repository).
func (n *Notifier) replaceMissing(ctx context.Context, m *notify.Message, req Request, attrs []any) (notify.Receipt, error) {
	attrs = append(attrs, slog.Int("missing_issue_number", req.Number))
	if m.Kind == notify.KindResolved {
		n.log.Warn("github: the resolved finding's issue no longer exists; nothing to close", attrs...)
		return notify.Receipt{}, nil
	}
	fresh := *m
	fresh.Previous = nil
	again, err := n.builder.Build(&fresh)
	if err != nil {
		return notify.Receipt{}, notify.Permanent(fmt.Errorf("github: %w", err))
	}
	n.log.Warn("github: the earlier issue no longer exists; opening a new one", attrs...)
	rc, err := n.create(ctx, again, attrs)
	if err != nil {
		return rc, fmt.Errorf("github: issue #%d was not found, and opening a new one failed: %w", req.Number, err)
	}
	return rc, nil
}

// receipt is the receipt of issue number at url.
func receipt(number int, url string) notify.Receipt {
	return notify.Receipt{ID: strconv.Itoa(number), URL: url}
}

// issueURLOf returns a comment's html_url without its #issuecomment-N
// fragment: the issue's page.
func issueURLOf(commentURL string) string {
	u, err := url.Parse(commentURL)
	if err != nil || u.Scheme == "" {
		return ""
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String()
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
