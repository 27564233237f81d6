package render

import (
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// maxPathLength is the longest InputPathsMap value EventBridge accepts.
const maxPathLength = 256

// maxPathIndex bounds array indices so they always fit an int.
const maxPathIndex = 1 << 30

// pathStepKind says what one step of a path selects.
type pathStepKind uint8

const (
	stepMember   pathStepKind = iota // .name
	stepIndex                        // [n]
	stepWildcard                     // .* or [*]
)

// pathStep is one step of a compiled path.
type pathStep struct {
	kind  pathStepKind
	name  string
	index int
}

// jsonPath is a compiled InputPathsMap value: the subset of JSONPath that
// EventBridge documents ("dot notation, dashes, underscores, alphanumeric
// characters, array indices, wildcards, forward slashes").
type jsonPath struct {
	steps    []pathStep
	wildcard bool // the path can select several values; the result is an array
}

// compilePath parses a path such as $.detail.findings[0].Resources[0].Id.
func compilePath(path string) (jsonPath, error) {
	if utf8.RuneCountInString(path) > maxPathLength {
		return jsonPath{}, fmt.Errorf("path is longer than %d characters", maxPathLength)
	}
	if !utf8.ValidString(path) {
		return jsonPath{}, fmt.Errorf("path is not valid UTF-8")
	}
	if len(path) == 0 || path[0] != '$' {
		return jsonPath{}, fmt.Errorf("path %q must start with \"$\"", path)
	}
	var p jsonPath
	for i := 1; i < len(path); {
		switch path[i] {
		case '.':
			step, next, err := parseMemberStep(path, i+1)
			if err != nil {
				return jsonPath{}, err
			}
			p.add(step)
			i = next
		case '[':
			step, next, err := parseBracketStep(path, i)
			if err != nil {
				return jsonPath{}, err
			}
			p.add(step)
			i = next
		default:
			return jsonPath{}, fmt.Errorf("path %q: unexpected %q at offset %d (expected \".\" or \"[\")", path, path[i], i)
		}
	}
	return p, nil
}

func (p *jsonPath) add(s pathStep) {
	if s.kind == stepWildcard {
		p.wildcard = true
	}
	p.steps = append(p.steps, s)
}

// parseMemberStep parses the name after a dot, starting at i.
func parseMemberStep(path string, i int) (pathStep, int, error) {
	if i >= len(path) {
		return pathStep{}, 0, fmt.Errorf("path %q ends with \".\"", path)
	}
	if path[i] == '.' {
		return pathStep{}, 0, fmt.Errorf("path %q: recursive descent \"..\" is not supported", path)
	}
	if path[i] == '*' {
		return pathStep{kind: stepWildcard}, i + 1, nil
	}
	start := i
	for i < len(path) {
		r, size := utf8.DecodeRuneInString(path[i:])
		if !isPathNameRune(r) {
			break
		}
		i += size
	}
	if i == start {
		r, _ := utf8.DecodeRuneInString(path[i:])
		return pathStep{}, 0, fmt.Errorf("path %q: %q at offset %d is not allowed in a name (use letters, digits, \"_\", \"-\" or \"/\")", path, r, i)
	}
	return pathStep{kind: stepMember, name: path[start:i]}, i, nil
}

// parseBracketStep parses [n] or [*] starting at the "[" at i.
func parseBracketStep(path string, i int) (pathStep, int, error) {
	end := i + 1
	for end < len(path) && path[end] != ']' {
		end++
	}
	if end >= len(path) {
		return pathStep{}, 0, fmt.Errorf("path %q: \"[\" at offset %d is not closed", path, i)
	}
	inner := path[i+1 : end]
	if inner == "*" {
		return pathStep{kind: stepWildcard}, end + 1, nil
	}
	if inner == "" {
		return pathStep{}, 0, fmt.Errorf("path %q: empty brackets at offset %d", path, i)
	}
	for j := 0; j < len(inner); j++ {
		if inner[j] < '0' || inner[j] > '9' {
			if inner[0] == '\'' || inner[0] == '"' {
				return pathStep{}, 0, fmt.Errorf("path %q: bracket notation %q is not supported; use dot notation", path, "["+inner+"]")
			}
			return pathStep{}, 0, fmt.Errorf("path %q: %q is not an array index (only [n] and [*] are supported)", path, "["+inner+"]")
		}
	}
	n, err := strconv.Atoi(inner)
	if err != nil || n > maxPathIndex {
		return pathStep{}, 0, fmt.Errorf("path %q: array index %s is too large", path, inner)
	}
	return pathStep{kind: stepIndex, index: n}, end + 1, nil
}

// isPathNameRune reports whether r may appear in a member name.
func isPathNameRune(r rune) bool {
	return r == '_' || r == '-' || r == '/' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// eval returns the value the path selects in root and whether it exists. A
// path with a wildcard always exists and yields an array of the matches, in
// document order (possibly empty).
func (p jsonPath) eval(root *jsonValue) (*jsonValue, bool) {
	if !p.wildcard {
		v := root
		for _, s := range p.steps {
			v = stepInto(v, s)
			if v == nil {
				return nil, false
			}
		}
		return v, true
	}
	current := []*jsonValue{root}
	for _, s := range p.steps {
		var next []*jsonValue
		for _, v := range current {
			if s.kind == stepWildcard {
				next = append(next, children(v)...)
				continue
			}
			if c := stepInto(v, s); c != nil {
				next = append(next, c)
			}
		}
		current = next
	}
	return &jsonValue{kind: jsonArray, items: current}, true
}

// stepInto applies one non-wildcard step.
func stepInto(v *jsonValue, s pathStep) *jsonValue {
	switch s.kind {
	case stepMember:
		return v.member(s.name)
	case stepIndex:
		if v.kind == jsonArray && s.index < len(v.items) {
			return v.items[s.index]
		}
	}
	return nil
}

// children returns the elements of an array or the member values of an object.
func children(v *jsonValue) []*jsonValue {
	switch v.kind {
	case jsonArray:
		return v.items
	case jsonObject:
		out := make([]*jsonValue, len(v.members))
		for i, m := range v.members {
			out[i] = m.value
		}
		return out
	}
	return nil
}
