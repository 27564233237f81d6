package backlog

import (
	"context"
	"net/url"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// lookBack is how many issues or comments a retry reads when it looks for
// what an earlier attempt of the same delivery created: Backlog's default
// page (count=20). The newest come first, and a retry follows its failed
// attempt within minutes.
const lookBack = 20

// findIssue returns the newest issue of the project whose description
// carries marker, or nil when there is none. It calls Get Issue List (GET
// /api/v2/issues) with projectId[], keyword (Backlog searches the summary
// and the description for it), sort=created, order=desc and count; the
// keyword only narrows the list, the marker is then checked on each
// description.
func (n *Notifier) findIssue(ctx context.Context, marker string) (*listedIssue, error) {
	query := url.Values{
		"projectId[]": {formatID(n.projectID)},
		"keyword":     {marker},
		"sort":        {"created"},
		"order":       {"desc"},
		"count":       {formatID(lookBack)},
	}
	var issues []listedIssue
	if err := n.api.get(ctx, "/api/v2/issues", query, &issues); err != nil {
		return nil, err
	}
	for i := range issues {
		is := &issues[i]
		if is.ProjectID != 0 && is.ProjectID != n.projectID {
			continue
		}
		if issueKeyPattern.MatchString(is.IssueKey) && notify.HasMarker(is.Description, marker) {
			return is, nil
		}
	}
	return nil, nil
}

// findComment returns the newest of the last comments on issue key that
// carries marker, or nil when none does. It calls Get Comment List (GET
// /api/v2/issues/:issueIdOrKey/comments) with order=desc and count. A
// comment added by Update Issue is listed like any other.
func (n *Notifier) findComment(ctx context.Context, key, marker string) (*commentAnswer, error) {
	query := url.Values{"order": {"desc"}, "count": {formatID(lookBack)}}
	var comments []commentAnswer
	if err := n.api.get(ctx, "/api/v2/issues/"+url.PathEscape(key)+"/comments", query, &comments); err != nil {
		return nil, err
	}
	for i := range comments {
		if notify.HasMarker(comments[i].Content, marker) {
			return &comments[i], nil
		}
	}
	return nil, nil
}
