package backlog

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/hubrelay/hubrelay/internal/render"
)

// Config is the backlog destination's settings, decoded strictly from the
// configuration file:
//
//	backlog:
//	  space: https://example.backlog.jp
//	  api_key: ${env:BACKLOG_API_KEY}
//	  project_id: 12345
//	  issue_type_id: 67890
//
// A Config is read-only once Validate has passed; the Notifier keeps its
// own copy.
type Config struct {
	// Space is the Backlog space's address: https://example.backlog.jp,
	// https://example.backlog.com or https://example.backlogtool.com.
	// Plain http is accepted only for a loopback host (127.0.0.1, ::1,
	// localhost): a test server such as backlogtest.
	Space string `json:"space"`
	// APIKey is the API key of the Backlog user the issues are created
	// as. It is sent as the apiKey query parameter and never logged.
	APIKey string `json:"api_key"`

	// ProjectID is the numeric ID of the project issues are added to.
	ProjectID int64 `json:"project_id"`
	// IssueTypeID is the issue type (種別) of new issues.
	IssueTypeID int64 `json:"issue_type_id"`
	// PriorityID gives every new issue one priority: 2 (high), 3
	// (normal) or 4 (low). When it is 0 the priority follows the
	// finding's severity (see Priorities).
	PriorityID int64 `json:"priority_id"`
	// Priorities overrides the severity → priority mapping used when
	// PriorityID is 0: keys are severity labels (CRITICAL, HIGH, MEDIUM,
	// LOW, INFORMATIONAL), values priority IDs. Unlisted labels keep
	// the default: CRITICAL and HIGH → 2, MEDIUM → 3, LOW and
	// INFORMATIONAL → 4.
	Priorities map[string]int64 `json:"priorities"`
	// ParentIssueID makes new issues children of this issue (0: none).
	ParentIssueID int64 `json:"parent_issue_id"`
	// AssigneeID assigns new issues to this user (0: nobody).
	AssigneeID int64 `json:"assignee_id"`
	// CategoryIDs are the categories (カテゴリー) of new issues.
	CategoryIDs []int64 `json:"category_ids"`
	// NotifiedUserIDs are told of every new issue and comment.
	NotifiedUserIDs []int64 `json:"notified_user_ids"`
	// CustomFields sets custom fields of new issues: the key is the
	// custom field's numeric ID, the value a text, a number or, for
	// multiple-choice lists, a list of item IDs.
	CustomFields map[string]CustomValue `json:"custom_fields"`

	// SummaryTemplate replaces the built-in issue summary: a Go template
	// executed on a render.View. Digests always use the built-in summary.
	SummaryTemplate string `json:"summary_template"`
	// DescriptionTemplate replaces the built-in issue description: a Go
	// template executed on a render.View. The template must escape
	// finding text for the project's text format itself. Digests always
	// use the built-in description.
	DescriptionTemplate string `json:"description_template"`
	// CommentTemplate replaces the built-in comment written on an
	// existing issue (reminders, resolved, reopened): a Go template
	// executed on a render.View whose Event says why.
	CommentTemplate string `json:"comment_template"`

	// Message replaces the built-in text with a Go template or an
	// EventBridge input transformer: with format text the description of
	// new issues and the comments; with format json the Add Issue form
	// (see Builder.Build and README.md). Optional.
	Message render.Override `json:"message"`

	// Language of the built-in text: "ja" or "en" (default: the
	// configuration's language).
	Language string `json:"language"`
	// TextFormat is the project's text formatting rule: "backlog"
	// (Backlog notation, the default) or "markdown".
	TextFormat string `json:"text_format"`

	// ResolvedStatusID is the status a resolved finding's issue is set
	// to (default 4, 完了/Closed).
	ResolvedStatusID int64 `json:"resolved_status_id"`
	// ReopenedStatusID is the status a reopened finding's issue is set
	// back to (default 1, 未対応/Open).
	ReopenedStatusID int64 `json:"reopened_status_id"`
	// ResolutionID, when set, is the resolution (完了理由) given to a
	// resolved finding's issue: 0 対応済み/Fixed, 1 対応しない/Won't Fix,
	// 2 無効/Invalid, 3 重複/Duplication, 4 再現しない/Cannot Reproduce.
	ResolutionID *int64 `json:"resolution_id"`
}

// TextFormat is a Backlog project's text formatting rule (テキスト整形のルール).
type TextFormat string

// The text formatting rules a Backlog project can use.
const (
	// FormatBacklog is Backlog notation (Backlog記法): [[label>url]] links,
	// "-" lists, "*" headings.
	FormatBacklog TextFormat = "backlog"
	// FormatMarkdown is Backlog's Markdown.
	FormatMarkdown TextFormat = "markdown"
)

// Backlog's fixed status and priority IDs (Get Status List / Get Priority
// List in the API reference).
const (
	StatusOpen   int64 = 1 // 未対応
	StatusClosed int64 = 4 // 完了

	PriorityHigh   int64 = 2 // 高
	PriorityNormal int64 = 3 // 中
	PriorityLow    int64 = 4 // 低
)

// defaultPriorities maps severity labels to priorities when the
// configuration does not say otherwise.
var defaultPriorities = map[string]int64{
	render.SeverityCritical:      PriorityHigh,
	render.SeverityHigh:          PriorityHigh,
	render.SeverityMedium:        PriorityNormal,
	render.SeverityLow:           PriorityLow,
	render.SeverityInformational: PriorityLow,
}

// Validate checks the settings without touching the network. Errors name
// the setting and never contain the API key. notify.Typed calls it after
// decoding; New calls it again.
func (c *Config) Validate() error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(validateSpace(c.Space))
	add(validateAPIKey(c.APIKey))
	add(requiredID("project_id", c.ProjectID))
	add(requiredID("issue_type_id", c.IssueTypeID))
	add(c.validatePriorities())
	add(optionalID("parent_issue_id", c.ParentIssueID))
	add(optionalID("assignee_id", c.AssigneeID))
	add(idList("category_ids", c.CategoryIDs))
	add(idList("notified_user_ids", c.NotifiedUserIDs))
	add(c.validateCustomFields())
	if _, err := render.ParseLanguage(c.Language); err != nil {
		add(fmt.Errorf("language: %w", err))
	}
	if _, err := parseTextFormat(c.TextFormat); err != nil {
		add(err)
	}
	add(optionalID("resolved_status_id", c.ResolvedStatusID))
	add(optionalID("reopened_status_id", c.ReopenedStatusID))
	if c.ResolutionID != nil && *c.ResolutionID < 0 {
		add(fmt.Errorf("resolution_id: %d must not be negative", *c.ResolutionID))
	}
	for _, t := range c.templates() {
		if _, err := render.NewTemplate(t.field, t.text, render.Options{}); err != nil {
			add(fmt.Errorf("%s: %w", t.field, err))
		}
	}
	if err := c.Message.Validate(); err != nil {
		add(err) // names message.…
	} else {
		add(c.checkMessageSetting())
	}
	return errors.Join(errs...)
}

type templateSetting struct{ field, text string }

// templates lists the template overrides that are set.
func (c *Config) templates() []templateSetting {
	var out []templateSetting
	for _, t := range []templateSetting{
		{"summary_template", c.SummaryTemplate},
		{"description_template", c.DescriptionTemplate},
		{"comment_template", c.CommentTemplate},
	} {
		if strings.TrimSpace(t.text) != "" {
			out = append(out, t)
		}
	}
	return out
}

// validateSpace accepts the address of a Backlog space: an absolute https
// URL with a host and nothing that would change the API path. Plain http
// is accepted only for a loopback host (a test server).
func validateSpace(space string) error {
	if strings.TrimSpace(space) == "" {
		return errors.New("space: is required (e.g. https://example.backlog.jp)")
	}
	u, err := url.Parse(space)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return errors.New("space: must be the space's address, e.g. https://example.backlog.jp")
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return errors.New("space: must use https (http is accepted only for a local test server)")
	}
	switch {
	case u.User != nil:
		return errors.New("space: must not contain a user name or password; put the key in api_key")
	case u.RawQuery != "" || u.ForceQuery:
		return errors.New("space: must not have a query; put the key in api_key")
	case u.Fragment != "":
		return errors.New("space: must not have a fragment")
	case strings.Contains(u.Path, "/api/"):
		return errors.New("space: give the space's address only, without /api/v2")
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// validateAPIKey checks the key's shape without ever quoting it.
func validateAPIKey(key string) error {
	if key == "" {
		return errors.New("api_key: is required")
	}
	for _, r := range key {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return errors.New("api_key: must not contain spaces or control characters")
		}
	}
	return nil
}

func requiredID(field string, id int64) error {
	if id <= 0 {
		return fmt.Errorf("%s: is required and must be a positive ID, got %d", field, id)
	}
	return nil
}

func optionalID(field string, id int64) error {
	if id < 0 {
		return fmt.Errorf("%s: %d must not be negative", field, id)
	}
	return nil
}

func idList(field string, ids []int64) error {
	for i, id := range ids {
		if id <= 0 {
			return fmt.Errorf("%s[%d]: %d is not a positive ID", field, i, id)
		}
	}
	return nil
}

// validPriority reports whether id is one of Backlog's priorities.
func validPriority(id int64) bool {
	return id == PriorityHigh || id == PriorityNormal || id == PriorityLow
}

func (c *Config) validatePriorities() error {
	if c.PriorityID != 0 && !validPriority(c.PriorityID) {
		return fmt.Errorf("priority_id: %d is not a Backlog priority; use 2 (high), 3 (normal) or 4 (low)", c.PriorityID)
	}
	if c.PriorityID != 0 && len(c.Priorities) > 0 {
		return errors.New("priorities: cannot be combined with priority_id; set one of them")
	}
	labels := make([]string, 0, len(c.Priorities))
	for label := range c.Priorities {
		labels = append(labels, label)
	}
	sort.Strings(labels)
	seen := map[string]string{}
	for _, label := range labels {
		if other, dup := seen[strings.ToUpper(label)]; dup {
			return fmt.Errorf("priorities.%s: repeats priorities.%s", label, other)
		}
		seen[strings.ToUpper(label)] = label
		if !slices.Contains(render.SeverityLabels(), strings.ToUpper(label)) {
			return fmt.Errorf("priorities.%s: not a severity label; use CRITICAL, HIGH, MEDIUM, LOW or INFORMATIONAL", label)
		}
		if id := c.Priorities[label]; !validPriority(id) {
			return fmt.Errorf("priorities.%s: %d is not a Backlog priority; use 2 (high), 3 (normal) or 4 (low)", label, id)
		}
	}
	return nil
}

func (c *Config) validateCustomFields() error {
	ids := make([]string, 0, len(c.CustomFields))
	for id := range c.CustomFields {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if n, err := strconv.ParseInt(id, 10, 64); err != nil || n <= 0 {
			return fmt.Errorf("custom_fields.%s: the key must be the custom field's numeric ID", id)
		}
		if len(c.CustomFields[id]) == 0 {
			return fmt.Errorf("custom_fields.%s: has no value", id)
		}
	}
	return nil
}

// parseTextFormat reads text_format; empty means Backlog notation.
func parseTextFormat(s string) (TextFormat, error) {
	switch TextFormat(s) {
	case "", FormatBacklog:
		return FormatBacklog, nil
	case FormatMarkdown:
		return FormatMarkdown, nil
	}
	return "", fmt.Errorf("text_format: %q must be \"backlog\" or \"markdown\" (the project's text formatting rule)", s)
}

// baseURL is the space's address without a trailing slash.
func (c *Config) baseURL() string {
	return strings.TrimRight(c.Space, "/")
}

// priorityFor returns the priority of an issue about a finding of the given
// severity label.
func (c *Config) priorityFor(label string) int64 {
	if c.PriorityID != 0 {
		return c.PriorityID
	}
	label = strings.ToUpper(label)
	for k, id := range c.Priorities {
		if strings.EqualFold(k, label) {
			return id
		}
	}
	if id, ok := defaultPriorities[label]; ok {
		return id
	}
	return PriorityNormal
}

func (c *Config) resolvedStatus() int64 {
	if c.ResolvedStatusID > 0 {
		return c.ResolvedStatusID
	}
	return StatusClosed
}

func (c *Config) reopenedStatus() int64 {
	if c.ReopenedStatusID > 0 {
		return c.ReopenedStatusID
	}
	return StatusOpen
}
