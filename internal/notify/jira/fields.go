package jira

import (
	"bytes"
	"encoding/json"
	"sort"
)

// IssueRequest is the body of Create issue (POST /rest/api/{2|3}/issue).
type IssueRequest struct {
	Fields IssueFields `json:"fields"`
}

// IssueFields are the fields of a new issue. They marshal in the order the
// create-issue examples of the API reference use (project, issue type,
// summary, then the others), custom fields last, by ID; unset optional
// fields are left out.
type IssueFields struct {
	// Project is {"key": "SEC"}.
	Project map[string]string
	// IssueType is {"name": "Bug"} or {"id": "10001"}.
	IssueType map[string]string
	// Summary is one line of at most MaxSummary characters.
	Summary string
	// Priority is {"name": "High"}; nil leaves the project's default.
	Priority map[string]string
	// Labels hold no white space.
	Labels []string
	// Components are [{"name": "Backend"}].
	Components []map[string]string
	// Description is an ADF document (*Node) for REST API v3, a wiki
	// markup string for v2.
	Description any
	// Custom maps custom field IDs (customfield_10010) to their values
	// (the Builder puts each value's JSON encoding, a json.RawMessage).
	Custom map[string]any
}

// MarshalJSON writes the fields as one JSON object in a stable order, with
// HTML characters unescaped so the text reads as written.
func (f IssueFields) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	first := true
	put := func(key string, value any) error {
		if !first {
			buf.WriteByte(',')
		}
		first = false
		k, _ := json.Marshal(key)
		buf.Write(k)
		buf.WriteByte(':')
		return encodeValue(&buf, value)
	}
	type kv struct {
		key   string
		value any
		set   bool
	}
	standard := []kv{
		{"project", f.Project, f.Project != nil},
		{"issuetype", f.IssueType, f.IssueType != nil},
		{"summary", f.Summary, true},
		{"priority", f.Priority, f.Priority != nil},
		{"labels", f.Labels, len(f.Labels) > 0},
		{"components", f.Components, len(f.Components) > 0},
		{"description", f.Description, f.Description != nil},
	}
	for _, field := range standard {
		if field.set {
			if err := put(field.key, field.value); err != nil {
				return nil, err
			}
		}
	}
	keys := make([]string, 0, len(f.Custom))
	for k := range f.Custom {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := put(k, f.Custom[k]); err != nil {
			return nil, err
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// encodeValue appends v's JSON encoding without HTML escaping and without
// the encoder's trailing newline.
func encodeValue(buf *bytes.Buffer, v any) error {
	var tmp bytes.Buffer
	enc := json.NewEncoder(&tmp)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Write(bytes.TrimRight(tmp.Bytes(), "\n"))
	return nil
}

// CommentRequest is the body of Add comment (POST
// /rest/api/{2|3}/issue/{key}/comment): an ADF document for v3, wiki markup
// for v2.
type CommentRequest struct {
	Body any `json:"body"`
}

// TransitionRequest is the body of Transition issue (POST
// /rest/api/{2|3}/issue/{key}/transitions).
type TransitionRequest struct {
	Transition TransitionRef     `json:"transition"`
	Fields     *TransitionFields `json:"fields,omitempty"`
}

// TransitionRef names the transition to perform by its ID.
type TransitionRef struct {
	ID string `json:"id"`
}

// TransitionFields are the fields set with a transition.
type TransitionFields struct {
	Resolution map[string]string `json:"resolution,omitempty"`
}
