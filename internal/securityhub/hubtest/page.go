package hubtest

import (
	"bytes"
	"encoding/json"
	"slices"
)

// findingsPage is the body of a GetFindings or GetFindingsV2 answer:
// {"Findings":[...],"NextToken":"..."}. The findings are stored compact,
// so the page is written by joining them; encoding/json would scan and
// re-compact every one of them (about half the server's time on a large
// read).
type findingsPage struct {
	Findings  []json.RawMessage
	NextToken string // omitted when empty
}

// appendJSON appends the page as compact JSON, as encoding/json would
// write it with HTML escaping off.
func (p findingsPage) appendJSON(b []byte) []byte {
	n := len(`{"Findings":[],"NextToken":""}`) + len(p.NextToken) + len(p.Findings)
	for _, f := range p.Findings {
		n += len(f)
	}
	b = slices.Grow(b, n)
	b = append(b, `{"Findings":[`...)
	for i, f := range p.Findings {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, f...)
	}
	b = append(b, ']')
	if p.NextToken != "" {
		b = append(b, `,"NextToken":`...)
		var tok bytes.Buffer
		enc := json.NewEncoder(&tok)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(p.NextToken) // a string always encodes
		b = append(b, bytes.TrimSuffix(tok.Bytes(), []byte("\n"))...)
	}
	return append(b, '}')
}

// jsonAppender is an answer that writes its own JSON.
type jsonAppender interface {
	appendJSON(b []byte) []byte
}
