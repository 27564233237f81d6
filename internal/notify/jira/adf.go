package jira

import (
	"strings"
)

// Node is one node of an Atlassian Document Format (ADF) document, the
// rich-text format of Jira Cloud's REST API v3
// (https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/).
// The destination writes only these nodes: doc, heading, paragraph, text,
// hardBreak, bulletList, orderedList, listItem and codeBlock, with the
// strong and link marks. A Node is a plain value; marshal it with
// encoding/json.
type Node struct {
	// Type is the node type: "doc", "paragraph", "text", ...
	Type string `json:"type"`
	// Version is 1 on the doc node and absent elsewhere.
	Version int `json:"version,omitempty"`
	// Attrs are the node's attributes: a heading's level, an ordered
	// list's first number.
	Attrs map[string]any `json:"attrs,omitempty"`
	// Content holds the child nodes of block nodes.
	Content []Node `json:"content,omitempty"`
	// Text is a text node's text; never empty on a text node.
	Text string `json:"text,omitempty"`
	// Marks format a text node.
	Marks []Mark `json:"marks,omitempty"`
}

// Mark formats a text node: {"type": "strong"} or {"type": "link",
// "attrs": {"href": "https://…"}}.
type Mark struct {
	Type  string         `json:"type"`
	Attrs map[string]any `json:"attrs,omitempty"`
}

// toADF encodes blocks as an ADF document. Every text node it writes holds
// at least one character, and a document always has content.
func toADF(blocks []block) *Node {
	doc := &Node{Type: "doc", Version: 1, Content: []Node{}}
	for _, b := range blocks {
		if n, ok := adfBlock(b); ok {
			doc.Content = append(doc.Content, n)
		}
	}
	if len(doc.Content) == 0 {
		doc.Content = append(doc.Content, Node{Type: "paragraph"})
	}
	return doc
}

func adfBlock(b block) (Node, bool) {
	switch b.kind {
	case blockHeading:
		inline := adfInline(oneLineSpans(b.spans))
		if len(inline) == 0 {
			return Node{}, false
		}
		level := min(max(b.level, 1), 6)
		return Node{Type: "heading", Attrs: map[string]any{"level": level}, Content: inline}, true
	case blockParagraph:
		inline := adfInline(b.spans)
		if len(inline) == 0 {
			return Node{}, false
		}
		return Node{Type: "paragraph", Content: inline}, true
	case blockBullets, blockNumbered:
		var items []Node
		for _, item := range b.items {
			inline := adfInline(oneLineSpans(item))
			if len(inline) == 0 {
				continue
			}
			items = append(items, Node{Type: "listItem", Content: []Node{{Type: "paragraph", Content: inline}}})
		}
		if len(items) == 0 {
			return Node{}, false
		}
		if b.kind == blockNumbered {
			return Node{Type: "orderedList", Attrs: map[string]any{"order": 1}, Content: items}, true
		}
		return Node{Type: "bulletList", Content: items}, true
	case blockCode:
		if b.code == "" {
			return Node{}, false
		}
		return Node{Type: "codeBlock", Content: []Node{{Type: "text", Text: b.code}}}, true
	}
	return Node{}, false
}

// adfInline encodes spans as inline nodes: text nodes (with strong or link
// marks) and hardBreak nodes. Empty text is dropped, and so are line breaks
// at the start or end and repeated ones, which ADF would show as blank
// lines.
func adfInline(spans []span) []Node {
	var out []Node
	pendingBreak := false
	for _, s := range spans {
		if s.br {
			pendingBreak = len(out) > 0
			continue
		}
		if s.text == "" {
			continue
		}
		// Line breaks inside a text node are written as hardBreak nodes.
		for i, part := range strings.Split(s.text, "\n") {
			if i > 0 {
				pendingBreak = len(out) > 0
			}
			if part == "" {
				continue
			}
			if pendingBreak {
				out = append(out, Node{Type: "hardBreak"})
				pendingBreak = false
			}
			n := Node{Type: "text", Text: part}
			if s.strong {
				n.Marks = append(n.Marks, Mark{Type: "strong"})
			}
			if s.href != "" {
				n.Marks = append(n.Marks, Mark{Type: "link", Attrs: map[string]any{"href": s.href}})
			}
			out = append(out, n)
		}
	}
	return out
}

// oneLineSpans replaces line breaks with spaces, for headings and list
// items, whose content is one line.
func oneLineSpans(spans []span) []span {
	out := make([]span, 0, len(spans))
	for _, s := range spans {
		if s.br {
			out = append(out, plain(" "))
			continue
		}
		if strings.Contains(s.text, "\n") {
			s.text = strings.ReplaceAll(s.text, "\n", " ")
		}
		out = append(out, s)
	}
	return mergeText(out)
}
