package jira

import (
	"fmt"
	"net/url"
)

// Action is what a Request does to the Jira project.
type Action string

// The actions a message can lead to.
const (
	// ActionCreateIssue creates an issue (POST /rest/api/{v}/issue).
	ActionCreateIssue Action = "create issue"
	// ActionAddComment comments on the issue of Message.Previous (POST
	// /rest/api/{v}/issue/{key}/comment).
	ActionAddComment Action = "add comment"
	// ActionTransition moves the issue of Message.Previous through a
	// workflow transition (GET, then POST /rest/api/{v}/issue/{key}/transitions)
	// and comments why.
	ActionTransition Action = "transition issue"
	// ActionNone sends nothing: a resolved finding that never had an issue.
	ActionNone Action = "none"
)

// Request is what delivering one message takes, without the site address
// and the credentials, which the Notifier adds. Build returns a new Request
// each time; the caller owns it.
type Request struct {
	Action Action
	// APIVersion is 3 (ADF text) or 2 (wiki markup text).
	APIVersion int
	// IssueKey is the issue a comment or transition acts on.
	IssueKey string
	// Issue is the Create issue body (ActionCreateIssue).
	Issue *IssueRequest
	// Comment is the Add comment body (ActionAddComment, and the comment
	// after ActionTransition).
	Comment *CommentRequest
	// Transition says which transition to perform (ActionTransition).
	Transition *Transition
	// Reason says why nothing is sent (ActionNone).
	Reason string
	// Marker is the delivery's marker (notify.Marker of Message.Key),
	// added to the new issue's labels (ActionCreateIssue); empty when the
	// message has no key. A retry searches for it before creating.
	Marker string
}

// Transition is the workflow step of ActionTransition. Transition IDs
// differ between workflows, so the Notifier reads the issue's transitions
// and picks the one called Name (see PickTransition).
type Transition struct {
	// Name is the configured transition (resolve_transition or
	// reopen_transition).
	Name string
	// Resolve is true when resolving (the issue should end in a status of
	// the "done" category) and false when reopening.
	Resolve bool
	// Fields are sent with the transition (the resolution); nil for none.
	Fields *TransitionFields
}

// IssuePath is the path of Create issue.
func (r Request) IssuePath() string { return fmt.Sprintf("/rest/api/%d/issue", r.APIVersion) }

// CommentPath is the path of Add comment on r.IssueKey.
func (r Request) CommentPath() string { return r.issueItemPath("/comment") }

// TransitionsPath is the path of Get transitions and Transition issue on
// r.IssueKey.
func (r Request) TransitionsPath() string { return r.issueItemPath("/transitions") }

// StatusPath is the path of Get issue on r.IssueKey, asking for its status
// only.
func (r Request) StatusPath() string { return r.issueItemPath("") + "?fields=status" }

func (r Request) issueItemPath(suffix string) string {
	return fmt.Sprintf("/rest/api/%d/issue/%s%s", r.APIVersion, url.PathEscape(r.IssueKey), suffix)
}
