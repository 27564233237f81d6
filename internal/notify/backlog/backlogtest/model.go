package backlogtest

import (
	"maps"
	"slices"
	"strconv"
	"time"
)

// Issue is an issue of the server's project, as Add Issue and Update
// Issue left it. IDs not set are 0; texts not set are "".
type Issue struct {
	// ID is the issue's numeric ID; Key is PROJ-<KeyID>.
	ID    int
	Key   string
	KeyID int
	// ProjectID is the project's ID.
	ProjectID int

	Summary     string
	Description string

	IssueTypeID int
	PriorityID  int
	// StatusID is 1 (Open) when created; Update Issue sets it.
	StatusID int
	// ResolutionID is the resolution Update Issue set, nil for none.
	ResolutionID *int

	ParentIssueID   int
	AssigneeID      int
	CategoryIDs     []int
	VersionIDs      []int
	MilestoneIDs    []int
	NotifiedUserIDs []int
	StartDate       string
	DueDate         string
	EstimatedHours  string
	ActualHours     string
	// CustomFields holds the customField_<id> parameters as sent.
	CustomFields map[string][]string

	Created time.Time
	Updated time.Time
}

// Comment is a comment on an issue: one Add Comment added, or one Update
// Issue added with its comment parameter and changes.
type Comment struct {
	ID int
	// IssueKey is the key of the issue commented on.
	IssueKey string
	Content  string
	// StatusID is the status the Update Issue that added the comment set,
	// 0 when it set none (or the comment came from Add Comment).
	StatusID        int
	NotifiedUserIDs []int
	Created         time.Time
}

func (is *Issue) clone() Issue {
	c := *is
	if is.ResolutionID != nil {
		r := *is.ResolutionID
		c.ResolutionID = &r
	}
	c.CategoryIDs = slices.Clone(is.CategoryIDs)
	c.VersionIDs = slices.Clone(is.VersionIDs)
	c.MilestoneIDs = slices.Clone(is.MilestoneIDs)
	c.NotifiedUserIDs = slices.Clone(is.NotifiedUserIDs)
	if is.CustomFields != nil {
		c.CustomFields = make(map[string][]string, len(is.CustomFields))
		for k, v := range is.CustomFields {
			c.CustomFields[k] = slices.Clone(v)
		}
	}
	return c
}

func (c *Comment) clone() Comment {
	out := *c
	out.NotifiedUserIDs = slices.Clone(c.NotifiedUserIDs)
	return out
}

// find returns the issue whose key or numeric ID is idOrKey, nil when
// there is none. The caller holds s.mu.
func (s *Server) find(idOrKey string) *Issue {
	id, err := strconv.Atoi(idOrKey)
	for _, is := range s.issues {
		if is.Key == idOrKey || (err == nil && is.ID == id) {
			return is
		}
	}
	return nil
}

// Backlog's fixed names (Get Status List, Get Priority List, Get
// Resolution List).
var (
	statusNames     = map[int]string{1: "Open", 2: "In Progress", 3: "Resolved", 4: "Closed"}
	priorityNames   = map[int]string{2: "High", 3: "Normal", 4: "Low"}
	resolutionNames = map[int]string{0: "Fixed", 1: "Won't Fix", 2: "Invalid", 3: "Duplication", 4: "Cannot Reproduce"}
)

// customFields returns the customField_ parameters of a form.
func customFields(form map[string][]string) map[string][]string {
	var out map[string][]string
	for k, v := range form {
		if isCustomField(k) {
			if out == nil {
				out = map[string][]string{}
			}
			out[k] = slices.Clone(v)
		}
	}
	return out
}

// mergeCustomFields sets the custom fields of update on is.
func (is *Issue) mergeCustomFields(update map[string][]string) {
	if len(update) == 0 {
		return
	}
	if is.CustomFields == nil {
		is.CustomFields = map[string][]string{}
	}
	maps.Copy(is.CustomFields, update)
}
