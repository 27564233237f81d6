package jira

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/render"
)

// Jira's length limits. The summary holds at most 255 characters; a
// multi-line text field (the description) and a comment at most 32,767, the
// default of jira.text.field.character.limit, which Jira Cloud fixes
// ("The entered text is too long. It exceeds the allowed limit of 32,767
// characters."). Jira runs on the JVM, so a character is counted here as a
// UTF-16 code unit (a character outside the BMP, such as an emoji, counts
// twice), which is never less than what Jira counts. For REST API v3 the
// limit is applied to the ADF document's JSON encoding, which is always
// longer than its text, so the document fits however Jira measures it.
const (
	MaxSummary = 255
	MaxText    = 32_767
)

// caps bounds the fields of a finding that go into a text, so that one
// oversized field cannot push the IDs and links after it out of the text.
// The built-in texts start with defaultCaps and halve them until the
// encoded text fits MaxText.
type caps struct {
	text int // description, remediation text (characters)
	line int // title, IDs, resources, names (characters)
}

// defaultCaps leave published findings untouched: AWS caps Description at
// 1,024 characters and Remediation text at 512; a finding from elsewhere
// may hold more.
var defaultCaps = caps{text: 10_000, line: 1_000}

// maxIDField caps the finding ID, whatever the caps.
const maxIDField = 1024

// minLineCap is the smallest line cap halving goes down to.
const minLineCap = 40

// maxFitRounds bounds how often the caps are halved before a text falls
// back to its minimal form.
const maxFitRounds = 12

func (c caps) half() caps {
	return caps{text: c.text / 2, line: max(c.line/2, minLineCap)}
}

// fit returns s cut so that its UTF-16 length is at most max, never
// splitting a character, with render's visible "(truncated)" marker in lang
// when anything was cut. Text that fits is returned unchanged. Unlike
// render.FitUTF16 it searches for the longest cut, which keeps more text
// when characters outside the BMP are cut off.
func fit(s string, max int, lang render.Language) string {
	if len(s) <= max || render.UTF16Len(s) <= max {
		return s
	}
	// The longest cut (in runes) whose UTF-16 length fits: a cut to n runes
	// grows with n, so search for it.
	lo, hi := 0, utf8.RuneCountInString(s)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if render.UTF16Len(render.Truncate(s, mid, lang)) <= max {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return render.Truncate(s, lo, lang)
}

// clipView caps every field of v that a finding controls.
func clipView(v render.View, c caps) render.View {
	lang := v.Language
	line := func(s string) string { return render.Clip(s, c.line, lang) }
	v.Title = line(v.Title)
	// The finding ID is how a person finds the finding (and duplicates of
	// the issue): it keeps its own, fixed cap. ASFF IDs hold at most 512
	// characters.
	v.ID = render.Clip(v.ID, maxIDField, lang)
	v.AccountID = line(v.AccountID)
	v.Region = line(v.Region)
	v.ProductName = line(v.ProductName)
	v.CompanyName = line(v.CompanyName)
	v.GeneratorID = line(v.GeneratorID)
	v.ControlID = line(v.ControlID)
	v.ActionName = line(v.ActionName)
	v.Severity.Name = line(v.Severity.Name)
	v.Severity.Label = line(v.Severity.Label)
	v.Severity.Text = line(v.Severity.Text)
	v.ComplianceStatusName = line(v.ComplianceStatusName)
	v.WorkflowName = line(v.WorkflowName)
	v.RecordStateName = line(v.RecordStateName)
	if len(v.Types) > 0 {
		types := make([]string, len(v.Types))
		for i, t := range v.Types {
			types[i] = line(t)
		}
		v.Types = types
	}
	if len(v.Resources) > 0 {
		resources := make([]render.ResourceLine, len(v.Resources))
		for i, r := range v.Resources {
			resources[i] = render.ResourceLine{Type: line(r.Type), ID: line(r.ID), Region: line(r.Region), Text: line(r.Text)}
		}
		v.Resources = resources
	}
	// A link too long to open is left out rather than cut.
	if safeLink(v.ConsoleURL) == "" {
		v.ConsoleURL = ""
	}
	if safeLink(v.RemediationURL) == "" {
		v.RemediationURL = ""
	}
	v.Description = render.Clip(v.Description, c.text, lang)
	v.RemediationText = render.Clip(v.RemediationText, c.text, lang)
	return v
}

// encoded is a text in the form the API version takes: an ADF document for
// v3, wiki markup for v2.
type encoded struct {
	adf  *Node
	wiki string
}

// body is the JSON value of the text in a request.
func (e encoded) body() any {
	if e.adf != nil {
		return e.adf
	}
	return e.wiki
}

// encode encodes blocks for the API version and returns the text's size
// as fit measures it: the UTF-16 length of the wiki markup, or of the ADF
// document's JSON encoding.
func encode(blocks []block, version int) (encoded, int) {
	if version == 2 {
		w := toWiki(blocks)
		return encoded{wiki: w}, render.UTF16Len(w)
	}
	doc := toADF(blocks)
	data, err := json.Marshal(doc)
	if err != nil {
		// A document of strings, numbers and slices always marshals.
		return encoded{adf: doc}, MaxText + 1
	}
	return encoded{adf: doc}, render.UTF16Len(string(data))
}

// fitBlocks builds a text with build, halving the caps until its encoding
// fits MaxText, and falls back to fallback (which must be small) when
// halving does not get there.
func fitBlocks(version int, build func(caps) []block, fallback func() []block) encoded {
	c := defaultCaps
	for range maxFitRounds {
		if e, size := encode(build(c), version); size <= MaxText {
			return e
		}
		c = c.half()
	}
	e, _ := encode(fallback(), version)
	return e
}
