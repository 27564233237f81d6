package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// The predefined variables EventBridge offers in every InputTemplate.
const (
	varRuleARN       = "aws.events.rule-arn"
	varRuleName      = "aws.events.rule-name"
	varIngestionTime = "aws.events.event.ingestion-time"
	varEvent         = "aws.events.event"
	varEventJSON     = "aws.events.event.json"
)

// maxInputPaths is the most InputPathsMap entries EventBridge accepts.
const maxInputPaths = 100

// maxInputPathKey is the longest InputPathsMap key EventBridge accepts.
const maxInputPathKey = 256

// Vars holds the values of the predefined variables of one rule invocation.
type Vars struct {
	RuleARN  string // <aws.events.rule-arn>
	RuleName string // <aws.events.rule-name>
	// IngestionTime is <aws.events.event.ingestion-time>, written as an ISO
	// 8601 UTC timestamp. When zero, the event's own "time" field is used.
	IngestionTime time.Time
}

// Transformer is a compiled EventBridge input transformer: an InputPathsMap
// and an InputTemplate, applied to events the way EventBridge applies them
// before calling a target.
//
// Build one with NewTransformer when the configuration loads; Render is then
// safe to call from many goroutines at once.
type Transformer struct {
	variables []variable // one per distinct placeholder name, in first-use order
	segments  []segment
	json      bool // the template is JSON once filled in
	size      int  // length of the literal text, to size the output
}

// variable is one placeholder name and how to get its value.
type variable struct {
	name string
	path jsonPath // for InputPathsMap variables
	kind string   // the predefined variable name, or "" for a path
}

// NewTransformer compiles an InputPathsMap (variable name → JSON path into
// the event) and an InputTemplate, with EventBridge's rules:
//
//   - at most 100 paths; names are 1–256 characters of A–Z, a–z, 0–9, "_"
//     and "-", and may not be a predefined variable name;
//   - paths use dot notation from "$", array indices and "*" wildcards
//     (e.g. $.detail.findings[0].Resources[0].Id); anything else, such as
//     bracket notation, filters or "..", is an error;
//   - the template is 1–8192 characters; every <name> in it must be a path
//     name or a predefined variable (<aws.events.rule-arn>,
//     <aws.events.rule-name>, <aws.events.event.ingestion-time>,
//     <aws.events.event>, <aws.events.event.json>); a "<" that does not form
//     such a name (as in "<br />") is literal text;
//   - in a JSON template a placeholder may not be an object key, and the
//     whole-event variables may not sit inside a string.
//
// Errors name the InputPathsMap key or the template line and column.
func NewTransformer(paths map[string]string, template string) (*Transformer, error) {
	compiled, err := compileInputPaths(paths)
	if err != nil {
		return nil, err
	}
	if template == "" {
		return nil, fmt.Errorf("InputTemplate: must not be empty")
	}
	if n := utf8.RuneCountInString(template); n > maxInputTemplate {
		return nil, fmt.Errorf("InputTemplate: %d characters is more than the %d EventBridge allows", n, maxInputTemplate)
	}
	template = strings.ToValidUTF8(template, "\ufffd")

	t := &Transformer{segments: scanTemplate(template)}
	index := map[string]int{}
	for i := range t.segments {
		s := &t.segments[i]
		if s.name == "" {
			t.size += len(s.literal)
			continue
		}
		n, ok := index[s.name]
		if !ok {
			v, err := resolveVariable(s.name, compiled)
			if err != nil {
				line, col := position(template, s.offset)
				return nil, fmt.Errorf("InputTemplate: line %d, column %d: %w", line, col, err)
			}
			n = len(t.variables)
			index[s.name] = n
			t.variables = append(t.variables, v)
		}
		s.variable = n
	}
	t.json, err = isJSONTemplate(template, t.segments)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// compileInputPaths checks and compiles every InputPathsMap entry.
func compileInputPaths(paths map[string]string) (map[string]jsonPath, error) {
	if len(paths) > maxInputPaths {
		return nil, fmt.Errorf("InputPathsMap: %d entries is more than the %d EventBridge allows", len(paths), maxInputPaths)
	}
	names := make([]string, 0, len(paths))
	for name := range paths {
		names = append(names, name)
	}
	sort.Strings(names) // report the same error every time
	compiled := make(map[string]jsonPath, len(paths))
	for _, name := range names {
		if err := checkInputPathName(name); err != nil {
			return nil, fmt.Errorf("InputPathsMap: key %q: %w", name, err)
		}
		p, err := compilePath(paths[name])
		if err != nil {
			return nil, fmt.Errorf("InputPathsMap: %q: %w", name, err)
		}
		compiled[name] = p
	}
	return compiled, nil
}

// checkInputPathName applies the documented rules for InputPathsMap keys.
func checkInputPathName(name string) error {
	if isPredefinedVariable(name) {
		return fmt.Errorf("is a predefined variable and cannot be redefined")
	}
	if name == "" {
		return fmt.Errorf("must not be empty")
	}
	if len(name) > maxInputPathKey {
		return fmt.Errorf("is longer than %d characters", maxInputPathKey)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '.' || !isPlaceholderNameByte(c) {
			return fmt.Errorf("%q is not allowed (use A-Z, a-z, 0-9, \"_\" and \"-\")", rune(c))
		}
	}
	return nil
}

func isPredefinedVariable(name string) bool {
	switch name {
	case varRuleARN, varRuleName, varIngestionTime, varEvent, varEventJSON:
		return true
	}
	return false
}

// resolveVariable finds what a placeholder name refers to.
func resolveVariable(name string, paths map[string]jsonPath) (variable, error) {
	if isPredefinedVariable(name) {
		return variable{name: name, kind: name}, nil
	}
	p, ok := paths[name]
	if !ok {
		return variable{}, fmt.Errorf("placeholder <%s> is not defined in InputPathsMap", name)
	}
	return variable{name: name, path: p}, nil
}

// JSON reports whether the template is JSON once filled in (and so whether
// Render produces minified JSON) rather than plain text.
func (t *Transformer) JSON() bool { return t.json }

// Render applies the transformer to one event (the EventBridge event JSON)
// and returns what EventBridge would send to the target.
//
// Values are inserted as EventBridge documents:
//   - in a JSON template, a string value outside quotes becomes a JSON string
//     (<v> → "text"); inside a JSON string it is inserted escaped, so quotes,
//     backslashes and newlines in the value keep the output valid JSON;
//   - numbers, booleans, objects and arrays are inserted as JSON; an object or
//     array inside a string loses its internal quotes ("removes any internal
//     quotes to ensure a valid string");
//   - a path that does not exist in the event, or holds null, yields an
//     empty string: "" as a JSON value, nothing inside a string or in text
//     (what EventBridge delivers for a variable it did not create);
//   - a plain-text template gets values as they are, unescaped, and objects
//     or arrays as compact JSON;
//   - JSON output is minified.
//
// The event must be a JSON object; the error says where it is malformed.
func (t *Transformer) Render(event []byte, vars Vars) ([]byte, error) {
	root, err := parseJSON(event)
	if err != nil {
		return nil, fmt.Errorf("transform: event: %w", err)
	}
	if root.kind != jsonObject {
		return nil, fmt.Errorf("transform: event: must be a JSON object")
	}
	values := make([]*jsonValue, len(t.variables))
	for i, v := range t.variables {
		values[i] = v.value(root, vars)
	}
	out := make([]byte, 0, t.size+64*len(t.variables))
	for _, s := range t.segments {
		if s.name == "" {
			out = append(out, s.literal...)
			continue
		}
		out = t.appendValue(out, values[s.variable], s.inString)
	}
	if !t.json {
		return out, nil
	}
	var compact bytes.Buffer
	compact.Grow(len(out))
	if err := json.Compact(&compact, out); err != nil {
		return nil, fmt.Errorf("transform: output is not valid JSON: %w", err)
	}
	return compact.Bytes(), nil
}

// appendValue writes one placeholder's value.
func (t *Transformer) appendValue(dst []byte, v *jsonValue, inString bool) []byte {
	if v == nil || v.kind == jsonNull {
		if t.json && !inString {
			return append(dst, `""`...)
		}
		return dst
	}
	switch {
	case !t.json:
		switch v.kind {
		case jsonString, jsonNumber, jsonBool:
			return append(dst, v.text...)
		default:
			return v.appendJSON(dst)
		}
	case inString:
		return v.appendUnquotedJSON(dst)
	default:
		return v.appendJSON(dst)
	}
}

// value returns the variable's value for one event, or nil when it has none.
func (v variable) value(root *jsonValue, vars Vars) *jsonValue {
	switch v.kind {
	case "":
		val, ok := v.path.eval(root)
		if !ok {
			return nil
		}
		return val
	case varRuleARN:
		return &jsonValue{kind: jsonString, text: vars.RuleARN}
	case varRuleName:
		return &jsonValue{kind: jsonString, text: vars.RuleName}
	case varIngestionTime:
		return ingestionTime(root, vars)
	case varEvent:
		return eventWithoutDetail(root, vars)
	default: // varEventJSON
		return root
	}
}

// ingestionTime is the ISO 8601 time EventBridge received the event.
func ingestionTime(root *jsonValue, vars Vars) *jsonValue {
	if !vars.IngestionTime.IsZero() {
		return &jsonValue{kind: jsonString, text: vars.IngestionTime.UTC().Format(time.RFC3339)}
	}
	if t := root.member("time"); t != nil && t.kind == jsonString {
		return t
	}
	return nil
}

// eventWithoutDetail is <aws.events.event>: the event without its "detail"
// field. As recorded from EventBridge, "detail-type" appears as "detailType"
// and "time" is the ingestion time.
func eventWithoutDetail(root *jsonValue, vars Vars) *jsonValue {
	out := &jsonValue{kind: jsonObject, members: make([]jsonMember, 0, len(root.members))}
	for _, m := range root.members {
		switch m.key {
		case "detail":
			continue
		case "detail-type":
			out.members = append(out.members, jsonMember{key: "detailType", value: m.value})
		case "time":
			if t := ingestionTime(root, vars); t != nil {
				out.members = append(out.members, jsonMember{key: "time", value: t})
			}
		default:
			out.members = append(out.members, m)
		}
	}
	return out
}
