package backlogtest

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"
)

// The JSON of Backlog's answers, with the fields its API reference shows
// for an issue (Get Issue) and a comment (Get Comment List).

type idName struct {
	ID   int    `json:"id"`
	Name string `json:"name,omitempty"`
}

type statusJSON struct {
	ID           int    `json:"id"`
	ProjectID    int    `json:"projectId"`
	Name         string `json:"name"`
	Color        string `json:"color"`
	DisplayOrder int    `json:"displayOrder"`
}

type userJSON struct {
	ID          int     `json:"id"`
	UserID      string  `json:"userId"`
	Name        string  `json:"name"`
	RoleType    int     `json:"roleType"`
	Lang        *string `json:"lang"`
	MailAddress string  `json:"mailAddress"`
}

type customFieldJSON struct {
	ID    int `json:"id"`
	Value any `json:"value"`
}

type issueJSON struct {
	ID             int               `json:"id"`
	ProjectID      int               `json:"projectId"`
	IssueKey       string            `json:"issueKey"`
	KeyID          int               `json:"keyId"`
	IssueType      idName            `json:"issueType"`
	Summary        string            `json:"summary"`
	Description    string            `json:"description"`
	Resolution     *idName           `json:"resolution"`
	Priority       idName            `json:"priority"`
	Status         statusJSON        `json:"status"`
	Assignee       *userJSON         `json:"assignee"`
	Category       []idName          `json:"category"`
	Versions       []idName          `json:"versions"`
	Milestone      []idName          `json:"milestone"`
	StartDate      *string           `json:"startDate"`
	DueDate        *string           `json:"dueDate"`
	EstimatedHours *json.Number      `json:"estimatedHours"`
	ActualHours    *json.Number      `json:"actualHours"`
	ParentIssueID  *int              `json:"parentIssueId"`
	CreatedUser    userJSON          `json:"createdUser"`
	Created        string            `json:"created"`
	UpdatedUser    userJSON          `json:"updatedUser"`
	Updated        string            `json:"updated"`
	CustomFields   []customFieldJSON `json:"customFields"`
	Attachments    []any             `json:"attachments"`
	SharedFiles    []any             `json:"sharedFiles"`
	Stars          []any             `json:"stars"`
}

type changeJSON struct {
	Field         string `json:"field"`
	NewValue      string `json:"newValue"`
	OriginalValue string `json:"originalValue"`
}

type commentJSON struct {
	ID            int          `json:"id"`
	Content       *string      `json:"content"`
	ChangeLog     []changeJSON `json:"changeLog"`
	CreatedUser   userJSON     `json:"createdUser"`
	Created       string       `json:"created"`
	Updated       string       `json:"updated"`
	Stars         []any        `json:"stars"`
	Notifications []any        `json:"notifications"`
}

// apiUser is the user the API key belongs to: the author of everything.
var apiUser = userJSON{ID: 1, UserID: "hubrelay", Name: "hubrelay", RoleType: 1, MailAddress: "hubrelay@example.com"}

// timestamp is Backlog's time format, UTC to the second.
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// issueJSON is is as Backlog answers it. The caller holds s.mu.
func (s *Server) issueJSON(is *Issue) issueJSON {
	out := issueJSON{
		ID: is.ID, ProjectID: is.ProjectID, IssueKey: is.Key, KeyID: is.KeyID,
		IssueType:   idName{ID: is.IssueTypeID},
		Summary:     is.Summary,
		Description: is.Description,
		Priority:    idName{ID: is.PriorityID, Name: priorityNames[is.PriorityID]},
		Status:      statusJSON{ID: is.StatusID, ProjectID: is.ProjectID, Name: statusNames[is.StatusID], Color: "#ed8077", DisplayOrder: 1000 * is.StatusID},
		Category:    idList(is.CategoryIDs),
		Versions:    idList(is.VersionIDs),
		Milestone:   idList(is.MilestoneIDs),
		StartDate:   optional(is.StartDate),
		DueDate:     optional(is.DueDate),
		CreatedUser: apiUser, Created: timestamp(is.Created),
		UpdatedUser: apiUser, Updated: timestamp(is.Updated),
		CustomFields: []customFieldJSON{},
		Attachments:  []any{}, SharedFiles: []any{}, Stars: []any{},
	}
	if is.ResolutionID != nil {
		out.Resolution = &idName{ID: *is.ResolutionID, Name: resolutionNames[*is.ResolutionID]}
	}
	if is.AssigneeID > 0 {
		u := userJSON{ID: is.AssigneeID, UserID: "user" + strconv.Itoa(is.AssigneeID), Name: "user " + strconv.Itoa(is.AssigneeID), RoleType: 2}
		out.Assignee = &u
	}
	if is.ParentIssueID > 0 {
		p := is.ParentIssueID
		out.ParentIssueID = &p
	}
	if is.EstimatedHours != "" {
		n := json.Number(is.EstimatedHours)
		out.EstimatedHours = &n
	}
	if is.ActualHours != "" {
		n := json.Number(is.ActualHours)
		out.ActualHours = &n
	}
	keys := make([]string, 0, len(is.CustomFields))
	for k := range is.CustomFields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		id, _ := strconv.Atoi(customFieldID(k))
		out.CustomFields = append(out.CustomFields, customFieldJSON{ID: id, Value: is.CustomFields[k]})
	}
	return out
}

// customFieldID is the numeric part of customField_<id>[_otherValue][[]].
func customFieldID(param string) string {
	id := param[len("customField_"):]
	for i, r := range id {
		if r < '0' || r > '9' {
			return id[:i]
		}
	}
	return id
}

// commentJSON is c as Backlog answers it; a status change shows in its
// changeLog. The caller holds s.mu.
func (s *Server) commentJSON(c *Comment) commentJSON {
	out := commentJSON{
		ID: c.ID, ChangeLog: []changeJSON{}, CreatedUser: apiUser,
		Created: timestamp(c.Created), Updated: timestamp(c.Created),
		Stars: []any{}, Notifications: []any{},
	}
	if c.Content != "" {
		content := c.Content
		out.Content = &content
	}
	if c.StatusID > 0 {
		out.ChangeLog = append(out.ChangeLog, changeJSON{Field: "status", NewValue: statusNames[c.StatusID]})
	}
	return out
}

func idList(ids []int) []idName {
	out := make([]idName, len(ids))
	for i, id := range ids {
		out[i] = idName{ID: id}
	}
	return out
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
