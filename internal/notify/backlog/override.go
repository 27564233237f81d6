package backlog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// overrideName names the override's Renderer in its errors.
const overrideName = "backlog"

// checkMessageSetting reports a `message:` override that would fight with
// the older template settings over the same text: with format text the
// override is the description and the comments (so description_template
// and comment_template may not be set); with format json it is the Add
// Issue form, summary and description included (so summary_template and
// description_template may not be set; comment_template still writes
// comments).
func (c *Config) checkMessageSetting() error {
	if c.Message.IsZero() {
		return nil
	}
	var clash []string
	if c.Message.Format == render.FormatJSON {
		clash = []string{"summary_template", "description_template"}
	} else {
		clash = []string{"description_template", "comment_template"}
	}
	for _, t := range c.templates() {
		for _, field := range clash {
			if t.field == field {
				return fmt.Errorf("message: cannot be used with %s: both set the same text; keep one", field)
			}
		}
	}
	if c.Message.Format == render.FormatHTML {
		return errors.New("message.format: html is not a Backlog text format; use text (the description in the project's notation or Markdown) or json (the Add Issue form)")
	}
	return nil
}

// overrideData is m as an override template sees it.
func (b *Builder) overrideData(m *notify.Message) render.Data {
	d := render.Data{Finding: m.Finding, Event: m.Event, Kind: string(m.Kind),
		Route: m.Route, Destination: m.Destination, Language: b.language()}
	if m.Digest != nil {
		dv, omitted := b.digestView(m.Digest)
		if omitted > 0 {
			dv.More += omitted
			dv.Total += omitted
			dv.Title = render.Translate(b.language(), render.MsgDigestTitle, dv.Total)
			dv.MoreText = render.Translate(b.language(), render.MsgAndMore, dv.More)
		}
		d.Digest = &dv
	} else {
		d.View = b.view(m)
	}
	return d
}

// renderOverride renders the override for m when it applies and has
// format; ok is false when the built-in text is used.
func (b *Builder) renderOverride(m *notify.Message, format string) (out []byte, ok bool, err error) {
	if b.message == nil || b.message.Format() != format {
		return nil, false, nil
	}
	data := b.overrideData(m)
	if !b.message.Applies(data) {
		return nil, false, nil
	}
	out, err = b.message.Render(data)
	if err != nil {
		return nil, false, err
	}
	return out, true, nil
}

// issueFormFields are the Add Issue parameters an override may set
// (https://developer.nulab.com/docs/backlog/api/2/add-issue/); keys ending
// in [] take a list. customField_<id> keys are accepted too.
var issueFormFields = map[string]bool{
	"projectId": true, "summary": true, "parentIssueId": true, "description": true,
	"startDate": true, "dueDate": true, "estimatedHours": true, "actualHours": true,
	"issueTypeId": true, "priorityId": true, "assigneeId": true,
	"categoryId[]": true, "versionId[]": true, "milestoneId[]": true,
	"notifiedUserId[]": true, "attachmentId[]": true,
}

// idFormFields are the form fields that hold one numeric ID.
var idFormFields = map[string]bool{
	"projectId": true, "parentIssueId": true, "issueTypeId": true, "priorityId": true, "assigneeId": true,
}

var customFieldKey = regexp.MustCompile(`^customField_[0-9]+(?:_otherValue)?(?:\[\])?$`)

// newIssue is Add Issue for m: from the json override when it applies,
// else the built-in request (whose description a text override writes).
func (b *Builder) newIssue(m *notify.Message) (Request, error) {
	builtin, err := b.createIssue(m)
	if err != nil {
		return Request{}, err
	}
	out, ok, err := b.renderOverride(m, render.FormatJSON)
	if err != nil || !ok {
		return builtin, err
	}
	req, err := b.createIssueFromJSON(m, out, builtin)
	if err != nil {
		return Request{}, fmt.Errorf("%s: message: output: %w", overrideName, err)
	}
	return req, nil
}

// createIssueFromJSON builds Add Issue from a json override: its keys are
// the form fields, and the built-in request fills the fields it omits. An
// ID field (projectId, issueTypeId, priorityId, parentIssueId, assigneeId)
// whose value is not an integer, such as seed 000's "BacklogのプロジェクトID",
// is a placeholder: the setting from the configuration is used instead
// (and the field is left out when there is none).
func (b *Builder) createIssueFromJSON(m *notify.Message, out []byte, builtin Request) (Request, error) {
	fields, err := decodeFormObject(out)
	if err != nil {
		return Request{}, err
	}
	form := url.Values{}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		values := fields[k]
		if idFormFields[k] {
			if len(values) != 1 {
				return Request{}, fmt.Errorf("%s: must be one ID", k)
			}
			if _, err := strconv.ParseInt(strings.TrimSpace(values[0]), 10, 64); err != nil {
				continue // a placeholder: the configuration's value stays
			}
			values = []string{strings.TrimSpace(values[0])}
		}
		form[k] = values
	}
	for k, v := range builtin.Form {
		if _, set := form[k]; !set {
			form[k] = v
		}
	}
	lang := b.language()
	summary := oneLine(form.Get("summary"))
	if summary == "" {
		summary = builtin.Form.Get("summary")
	} else if m.Kind == notify.KindTest {
		summary = "[hubrelay test] " + summary
	}
	form.Set("summary", render.FitUTF16(summary, MaxSummary, lang))
	if _, set := fields["description"]; set {
		// The override's description replaces the built-in one, which
		// carried the marker: cut it to leave room and mark it again.
		d := render.FitUTF16(render.RepairUTF8(form.Get("description")), MaxDescription-markerRoom(builtin.Marker), lang)
		form.Set("description", withMarker(d, builtin.Marker))
	}
	return Request{Action: ActionCreateIssue, Method: http.MethodPost, Path: "/api/v2/issues", Form: form, Marker: builtin.Marker}, nil
}

// decodeFormObject reads a json override's object into form values:
// strings as they are, numbers as written, booleans as true/false, lists
// (for [] fields) as one value each; null leaves the field out.
func decodeFormObject(out []byte) (map[string][]string, error) {
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, errors.New(`must be a JSON object of Add Issue form fields ({"summary": …, "description": …, "priorityId": 3})`)
	}
	fields := make(map[string][]string, len(obj))
	for k, v := range obj {
		if !issueFormFields[k] && !customFieldKey.MatchString(k) {
			return nil, fmt.Errorf("%q: is not an Add Issue form field (projectId, summary, description, issueTypeId, priorityId, parentIssueId, assigneeId, startDate, dueDate, estimatedHours, actualHours, categoryId[], versionId[], milestoneId[], notifiedUserId[], attachmentId[], customField_<id>)", render.SingleLine(k))
		}
		var values []string
		switch v := v.(type) {
		case nil:
			continue
		case []any:
			if !strings.HasSuffix(k, "[]") {
				return nil, fmt.Errorf("%s: takes one value, not a list", k)
			}
			for i, item := range v {
				s, err := formValue(item)
				if err != nil {
					return nil, fmt.Errorf("%s[%d]: %w", k, i, err)
				}
				values = append(values, s)
			}
		default:
			s, err := formValue(v)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			values = []string{s}
		}
		fields[k] = values
	}
	return fields, nil
}

// formValue is one JSON value as a form value.
func formValue(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return render.RepairUTF8(v), nil
	case json.Number:
		return v.String(), nil
	case bool:
		return strconv.FormatBool(v), nil
	}
	return "", errors.New("must be a string, a number or a boolean")
}
