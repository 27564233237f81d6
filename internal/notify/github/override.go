package github

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// overrideName names the override's Renderer in its errors.
const overrideName = "github"

// checkMessageSetting reports a `message:` override that would fight with
// the older template settings over the same text: format text writes the
// issue body (so body_template may not be set), format json the title,
// body and labels (so neither title_template nor body_template may be
// set). comment_template writes comments either way; format html is
// refused (GitHub reads Markdown).
func (c *Config) checkMessageSetting() error {
	if c.Message.IsZero() {
		return nil
	}
	if c.Message.Format == render.FormatHTML {
		return errors.New("message.format: html is not what GitHub reads; use text (the issue body in Markdown) or json ({title, body, labels})")
	}
	clash := []string{"body_template"}
	if c.Message.Format == render.FormatJSON {
		clash = append(clash, "title_template")
	}
	for _, t := range c.templates() {
		for _, field := range clash {
			if t.field == field {
				return fmt.Errorf("message: cannot be used with %s: both set the same text; keep one", field)
			}
		}
	}
	return nil
}

// overrideData is m as an override template sees it.
func (b *Builder) overrideData(m *notify.Message) render.Data {
	d := render.Data{Finding: m.Finding, Event: m.Event, Kind: string(m.Kind),
		Route: m.Route, Destination: m.Destination, Language: b.opts.Language}
	if m.Digest != nil {
		dv := b.digestData(m).DigestView
		d.Digest = &dv
	} else {
		d.View = b.view(m)
	}
	return d
}

// issueOverride is the json override of a new issue.
type issueOverride struct {
	Title  *string  `json:"title"`
	Body   *string  `json:"body"`
	Labels []string `json:"labels"`
}

// applyOverride lets the `message:` override replace the built-in title
// and body of a new issue: format text replaces the body; format json is
// an object {title, body, labels} whose title and body replace the
// built-in ones when present and whose labels are added to the
// configured ones. It returns the labels to add.
func (b *Builder) applyOverride(m *notify.Message, title, body *string) ([]string, error) {
	if b.message == nil {
		return nil, nil
	}
	data := b.overrideData(m)
	if !b.message.Applies(data) {
		return nil, nil
	}
	out, err := b.message.Render(data)
	if err != nil {
		return nil, fmt.Errorf("github: %w", err)
	}
	if b.message.Format() != render.FormatJSON {
		*body = strings.TrimRight(string(out), " \t\r\n")
		return nil, nil
	}
	var o issueOverride
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		return nil, fmt.Errorf("github: %s: message: output: must be an object with title, body and/or labels: %w", overrideName, err)
	}
	if o.Title == nil && o.Body == nil && o.Labels == nil {
		return nil, fmt.Errorf("github: %s: message: output: has none of title, body and labels", overrideName)
	}
	if err := checkLabels(o.Labels); err != nil {
		return nil, fmt.Errorf("github: %s: message: output: %w", overrideName, err)
	}
	if o.Title != nil && oneLine(*o.Title) != "" {
		*title = render.RepairUTF8(*o.Title)
	}
	if o.Body != nil && strings.TrimSpace(*o.Body) != "" {
		*body = strings.TrimRight(render.RepairUTF8(*o.Body), " \t\r\n")
	}
	return o.Labels, nil
}

// mergeLabels adds extra to labels, skipping names already there (GitHub
// label names are case-insensitive) and keeping at most maxLabels.
func mergeLabels(labels, extra []string) []string {
	seen := map[string]bool{}
	for _, l := range labels {
		seen[strings.ToLower(l)] = true
	}
	for _, l := range extra {
		if !seen[strings.ToLower(l)] && len(labels) < maxLabels {
			seen[strings.ToLower(l)] = true
			labels = append(labels, l)
		}
	}
	return labels
}
