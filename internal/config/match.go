package config

import (
	"errors"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/hubrelay/hubrelay/internal/pattern"
)

// MatchKind says how a route or suppression selects findings.
type MatchKind string

// The two ways to select findings.
const (
	// KindPattern is an EventBridge event pattern, matched against the
	// finding's EventBridge event.
	KindPattern MatchKind = "pattern"
	// KindFilters is Security Hub AwsSecurityFindingFilters, as given to
	// GetFindings, compiled to a pattern over the same event.
	KindFilters MatchKind = "filters"
)

// Match is the compiled pattern or filters of a route or suppression.
type Match struct {
	Kind MatchKind
	// JSON is the pattern or filters as compact JSON, key order kept.
	JSON []byte
	// Pattern is the compiled matcher; immutable and safe for concurrent
	// use.
	Pattern *pattern.Pattern
	// Pos is where the pattern or filters key is written.
	Pos Position
}

// decodeMatch reads the pattern or the filters of object o at path.
func (l *loader) decodeMatch(o *object, path string) (Match, bool) {
	hasPattern, hasFilters := o.keys["pattern"] != nil, o.keys["filters"] != nil
	switch {
	case hasPattern && hasFilters:
		l.errorf(o.key("filters"), "%s: give either pattern or filters, not both", path)
		return Match{}, false
	case !hasPattern && !hasFilters:
		l.errorf(o.node, "%s: missing pattern (an EventBridge event pattern) or filters (Security Hub finding filters)", path)
		return Match{}, false
	}
	kind := KindPattern
	if hasFilters {
		kind = KindFilters
	}
	key, node := o.key(string(kind)), o.value(string(kind))
	where := path + "." + string(kind)
	if isNull(node) {
		l.errorf(key, "%s: is empty", where)
		return Match{}, false
	}
	doc := l.matchDocument(node, where)
	if doc == nil {
		return Match{}, false
	}
	if doc.kind != jsonObject {
		l.errorf(node, "%s: want a mapping (or a JSON object), got %s", where, doc.describe())
		return Match{}, false
	}
	data := doc.appendJSON(nil)
	var compiled *pattern.Pattern
	var err error
	if kind == KindFilters {
		compiled, err = pattern.FromFilters(data)
	} else {
		compiled, err = pattern.Compile(data)
	}
	if err != nil {
		l.patternError(err, doc, node, where)
		return Match{}, false
	}
	if kind == KindFilters && len(doc.keys) == 0 {
		l.warnf(node, "%s: {} matches every finding", where)
	}
	if kind == KindPattern {
		// The filters compiler already refuses numbers where strings belong.
		l.numberWarnings(doc, where)
	}
	return Match{Kind: kind, JSON: data, Pattern: compiled, Pos: l.pos(key)}, true
}

// matchDocument converts a pattern written as YAML, or given as a JSON string,
// to a jsonValue.
func (l *loader) matchDocument(node ast.Node, where string) *jsonValue {
	switch node.(type) {
	case *ast.StringNode, *ast.LiteralNode:
		if _, ok := l.stringValue(node, where); !ok {
			return nil // a secret reference in it failed, already reported
		}
		text, _ := scalarText(node)
		at := l.offsetMapper(node)
		doc, duplicates, err := jsonFromText(text, at)
		if err != nil {
			var te *jsonTextError
			if errors.As(err, &te) {
				l.errorAt(at(te.offset), "%s: %s", where, te.msg)
			} else {
				l.errorf(node, "%s: %v", where, err)
			}
			return nil
		}
		for _, d := range duplicates {
			l.warnAt(d.at, "%s: key %q is written twice (first at line %d, column %d); the last one wins, as in EventBridge, and the first is ignored", where, d.path, d.first.Line, d.first.Column)
		}
		return doc
	}
	return l.jsonFromYAML(node, where)
}

// patternError reports a compile error at the value it is about.
func (l *loader) patternError(err error, doc *jsonValue, node ast.Node, where string) {
	var pe *pattern.Error
	if !errors.As(err, &pe) {
		l.errorf(node, "%s: %v", where, err)
		return
	}
	at := doc.at(pe.Path)
	msg := strings.TrimPrefix(pe.Msg, "pattern: ")
	if p := pattern.FormatPath(pe.Path); p != "" {
		l.errorAt(at.pos, "%s: %s: %s", where, p, msg)
		return
	}
	l.errorAt(at.pos, "%s: %s", where, msg)
}

// numberWarnings warns about numbers that are almost certainly meant as
// strings: an account ID written without quotes is a number, and EventBridge
// compares numbers only with numbers, so the pattern silently never matches.
// A number warns when a key on its path names an account (AwsAccountId,
// account), or when it has the 12 digits of an account ID, unless it is the
// operand of a numeric comparison (numeric, Gte, Lte, Eq, Gt, Lt).
func (l *loader) numberWarnings(doc *jsonValue, where string) {
	doc.walk(nil, func(keys []string, v *jsonValue) {
		if v.kind != jsonNumber {
			return
		}
		if len(keys) > 0 && numericOperandKey(keys[len(keys)-1]) {
			return
		}
		accountPath := false
		for _, k := range keys {
			if strings.Contains(strings.ToLower(k), "account") {
				accountPath = true
			}
		}
		if !accountPath && !(digitsOnly(v.text) && len(v.text) == 12) {
			return
		}
		l.warnAt(v.pos, "%s: %s is a number, but account IDs in events are strings and EventBridge never matches a string against a number: quote it (\"%s\")", where, v.text, v.text)
	})
}

// numericOperandKey reports keys whose numbers are meant as numbers: the
// EventBridge numeric operator and the NumberFilter members.
func numericOperandKey(key string) bool {
	switch key {
	case "numeric", "Gte", "Lte", "Eq", "Gt", "Lt":
		return true
	}
	return false
}
