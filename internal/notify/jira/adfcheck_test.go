package jira

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"
)

// checkADF validates a decoded JSON value as an ADF document the way the
// Atlassian Document Format structure page and its JSON schema
// (http://go.atlassian.com/adf-json-schema) describe the nodes this
// destination may write: the root is {"type": "doc", "version": 1,
// "content": [...]}; block nodes are paragraph, heading (attrs.level 1–6),
// bulletList and orderedList (of listItem, whose first child is a
// paragraph) and codeBlock (unmarked text only); inline nodes are text
// (text at least one character, marks strong or link with an http(s) href)
// and hardBreak; no node has keys the schema does not define. It returns
// every violation, with its JSON path.
func checkADF(doc any) []string {
	var errs []string
	fail := func(path, format string, args ...any) {
		errs = append(errs, path+": "+fmt.Sprintf(format, args...))
	}
	root, ok := doc.(map[string]any)
	if !ok {
		return []string{"$: not an object"}
	}
	if root["type"] != "doc" {
		fail("$.type", "%v, want doc", root["type"])
	}
	if v, ok := root["version"].(float64); !ok || v != 1 {
		fail("$.version", "%v, want 1", root["version"])
	}
	content, ok := root["content"].([]any)
	if !ok {
		fail("$.content", "not an array")
	}
	checkKeys(root, "$", fail, "type", "version", "content")
	for i, n := range content {
		checkBlock(n, fmt.Sprintf("$.content[%d]", i), fail)
	}
	return errs
}

type failFunc func(path, format string, args ...any)

func checkKeys(node map[string]any, path string, fail failFunc, allowed ...string) {
	var keys []string
	for k := range node {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		found := false
		for _, a := range allowed {
			found = found || a == k
		}
		if !found {
			fail(path, "key %q is not allowed on a %v node", k, node["type"])
		}
	}
}

func checkBlock(x any, path string, fail failFunc) {
	n, ok := x.(map[string]any)
	if !ok {
		fail(path, "not an object")
		return
	}
	switch n["type"] {
	case "paragraph":
		checkKeys(n, path, fail, "type", "content")
		checkInline(n["content"], path, fail, true)
	case "heading":
		checkKeys(n, path, fail, "type", "attrs", "content")
		attrs, _ := n["attrs"].(map[string]any)
		if level, ok := attrs["level"].(float64); !ok || level < 1 || level > 6 || level != float64(int(level)) {
			fail(path+".attrs.level", "%v, want 1-6", attrs["level"])
		}
		checkInline(n["content"], path, fail, true)
	case "bulletList", "orderedList":
		checkKeys(n, path, fail, "type", "attrs", "content")
		if n["type"] == "bulletList" && n["attrs"] != nil {
			fail(path, "bulletList takes no attrs")
		}
		if attrs, ok := n["attrs"].(map[string]any); ok && n["type"] == "orderedList" {
			if order, ok := attrs["order"].(float64); !ok || order < 0 {
				fail(path+".attrs.order", "%v, want a number ≥ 0", attrs["order"])
			}
		}
		items, ok := n["content"].([]any)
		if !ok || len(items) == 0 {
			fail(path+".content", "a list needs at least one listItem")
		}
		for i, it := range items {
			ip := fmt.Sprintf("%s.content[%d]", path, i)
			item, ok := it.(map[string]any)
			if !ok || item["type"] != "listItem" {
				fail(ip, "not a listItem")
				continue
			}
			checkKeys(item, ip, fail, "type", "content")
			children, ok := item["content"].([]any)
			if !ok || len(children) == 0 {
				fail(ip+".content", "a listItem needs content")
				continue
			}
			if first, _ := children[0].(map[string]any); first["type"] != "paragraph" {
				fail(ip+".content[0]", "a listItem starts with a paragraph")
			}
			for j, c := range children {
				checkBlock(c, fmt.Sprintf("%s.content[%d]", ip, j), fail)
			}
		}
	case "codeBlock":
		checkKeys(n, path, fail, "type", "attrs", "content")
		parts, _ := n["content"].([]any)
		for i, p := range parts {
			pp := fmt.Sprintf("%s.content[%d]", path, i)
			text, ok := p.(map[string]any)
			if !ok || text["type"] != "text" {
				fail(pp, "a codeBlock holds text nodes only")
				continue
			}
			if text["marks"] != nil {
				fail(pp, "text in a codeBlock takes no marks")
			}
			checkText(text, pp, fail)
		}
	default:
		fail(path, "block node type %v is not one this destination writes", n["type"])
	}
}

func checkInline(x any, path string, fail failFunc, optional bool) {
	if x == nil && optional {
		return
	}
	nodes, ok := x.([]any)
	if !ok {
		fail(path+".content", "not an array")
		return
	}
	for i, c := range nodes {
		cp := fmt.Sprintf("%s.content[%d]", path, i)
		n, ok := c.(map[string]any)
		if !ok {
			fail(cp, "not an object")
			continue
		}
		switch n["type"] {
		case "text":
			checkText(n, cp, fail)
		case "hardBreak":
			checkKeys(n, cp, fail, "type", "attrs")
		default:
			fail(cp, "inline node type %v is not one this destination writes", n["type"])
		}
	}
}

func checkText(n map[string]any, path string, fail failFunc) {
	checkKeys(n, path, fail, "type", "text", "marks")
	text, ok := n["text"].(string)
	if !ok || text == "" {
		fail(path+".text", "a text node needs at least one character")
	}
	if !utf8.ValidString(text) {
		fail(path+".text", "not valid UTF-8")
	}
	if n["marks"] == nil {
		return
	}
	marks, ok := n["marks"].([]any)
	if !ok {
		fail(path+".marks", "not an array")
		return
	}
	seen := map[any]bool{}
	for i, m := range marks {
		mp := fmt.Sprintf("%s.marks[%d]", path, i)
		mark, ok := m.(map[string]any)
		if !ok {
			fail(mp, "not an object")
			continue
		}
		if seen[mark["type"]] {
			fail(mp, "mark %v repeated", mark["type"])
		}
		seen[mark["type"]] = true
		switch mark["type"] {
		case "strong":
			checkKeys(mark, mp, fail, "type")
		case "link":
			checkKeys(mark, mp, fail, "type", "attrs")
			attrs, _ := mark["attrs"].(map[string]any)
			href, _ := attrs["href"].(string)
			if u, err := url.Parse(href); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				fail(mp+".attrs.href", "%q is not an http(s) URL", href)
			}
		default:
			fail(mp, "mark %v is not one this destination writes", mark["type"])
		}
	}
}

// adfLinks returns every link of a decoded ADF document: its visible text
// and its target.
func adfLinks(x any) [][2]string {
	var out [][2]string
	var walk func(any)
	walk = func(x any) {
		switch v := x.(type) {
		case map[string]any:
			if marks, ok := v["marks"].([]any); ok {
				for _, m := range marks {
					mark, _ := m.(map[string]any)
					if mark["type"] == "link" {
						attrs, _ := mark["attrs"].(map[string]any)
						href, _ := attrs["href"].(string)
						text, _ := v["text"].(string)
						out = append(out, [2]string{text, href})
					}
				}
			}
			walk(v["content"])
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(x)
	return out
}

// previewADF renders a decoded ADF document as Markdown-like text, for
// golden files a person reads: headings with #, lists with - and 1., code
// fenced, strong as **x**, links as [text](href).
func previewADF(x any) string {
	root, _ := x.(map[string]any)
	blocks, _ := root["content"].([]any)
	var parts []string
	for _, b := range blocks {
		parts = append(parts, previewBlock(b, ""))
	}
	return strings.Join(parts, "\n\n") + "\n"
}

func previewBlock(x any, indent string) string {
	n, _ := x.(map[string]any)
	switch n["type"] {
	case "heading":
		attrs, _ := n["attrs"].(map[string]any)
		level, _ := attrs["level"].(float64)
		return strings.Repeat("#", int(level)) + " " + previewInline(n["content"])
	case "paragraph":
		return previewInline(n["content"])
	case "bulletList", "orderedList":
		items, _ := n["content"].([]any)
		var lines []string
		for i, it := range items {
			marker := "- "
			if n["type"] == "orderedList" {
				marker = fmt.Sprintf("%d. ", i+1)
			}
			item, _ := it.(map[string]any)
			children, _ := item["content"].([]any)
			var texts []string
			for _, c := range children {
				texts = append(texts, previewBlock(c, indent+"   "))
			}
			lines = append(lines, indent+marker+strings.Join(texts, "\n"))
		}
		return strings.Join(lines, "\n")
	case "codeBlock":
		parts, _ := n["content"].([]any)
		var b strings.Builder
		for _, p := range parts {
			t, _ := p.(map[string]any)
			s, _ := t["text"].(string)
			b.WriteString(s)
		}
		return "```\n" + b.String() + "\n```"
	}
	return fmt.Sprintf("(%v)", n["type"])
}

func previewInline(x any) string {
	nodes, _ := x.([]any)
	var b strings.Builder
	for _, c := range nodes {
		n, _ := c.(map[string]any)
		if n["type"] == "hardBreak" {
			b.WriteString("\n")
			continue
		}
		text, _ := n["text"].(string)
		marks, _ := n["marks"].([]any)
		for _, m := range marks {
			mark, _ := m.(map[string]any)
			switch mark["type"] {
			case "strong":
				text = "**" + text + "**"
			case "link":
				attrs, _ := mark["attrs"].(map[string]any)
				text = "[" + text + "](" + fmt.Sprint(attrs["href"]) + ")"
			}
		}
		b.WriteString(text)
	}
	return b.String()
}
