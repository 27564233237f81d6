package config

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// Destination is one named place findings are sent to, written as
//
//	destinations:
//	  NAME: {TYPE: {settings}}
//
// with exactly one TYPE key. The destination's package decodes Settings.
type Destination struct {
	Name     string
	Type     string
	Settings *Settings
	// Pos is where the destination's name is written.
	Pos Position
}

// decodeDestinations returns the valid destinations and the names of all
// destinations written (valid or not), so that routes naming a broken
// destination are not also reported.
func (l *loader) decodeDestinations(n ast.Node) ([]*Destination, []string) {
	if isNull(n) {
		return nil, nil
	}
	pairs, ok := mappingPairs(n)
	if !ok {
		l.errorf(n, "destinations: want a mapping of names to destinations, got %s", kindOf(n))
		return nil, nil
	}
	var out []*Destination
	var declared []string
	seen := map[string]bool{}
	for _, pair := range pairs {
		name, ok := keyText(pair.Key)
		if !ok || seen[name] {
			continue // reported by prepare
		}
		seen[name] = true
		declared = append(declared, name)
		path := fmt.Sprintf("destinations.%s", name)
		if !validName(name) {
			l.errorf(pair.Key, "destinations: name %q: %s", name, nameRule)
		}
		if d := l.decodeDestination(name, pair, path); d != nil {
			out = append(out, d)
		}
	}
	return out, declared
}

func (l *loader) decodeDestination(name string, pair *ast.MappingValueNode, path string) *Destination {
	if isNull(pair.Value) {
		l.errorf(pair.Key, "%s: missing its type, as in %s: {stdout: {}}", path, name)
		return nil
	}
	typePairs, ok := mappingPairs(pair.Value)
	if !ok {
		l.errorf(pair.Value, "%s: want a mapping with one type key, as in {slack: {...}}, got %s", path, kindOf(pair.Value))
		return nil
	}
	switch len(typePairs) {
	case 0:
		l.errorf(pair.Value, "%s: missing its type, as in %s: {stdout: {}}", path, name)
		return nil
	case 1:
	default:
		first, _ := keyText(typePairs[0].Key)
		for _, extra := range typePairs[1:] {
			typ, _ := keyText(extra.Key)
			l.errorf(extra.Key, "%s: has a second type key %q after %q; a destination has exactly one type (define another destination)", path, typ, first)
		}
		return nil
	}
	typ, ok := keyText(typePairs[0].Key)
	if !ok {
		return nil
	}
	if !validType(typ) {
		l.errorf(typePairs[0].Key, "%s: %q is not a destination type name (lower-case letters, digits and _)", path, typ)
		return nil
	}
	settings := &Settings{
		typ:     typ,
		node:    typePairs[0].Value,
		pos:     l.pos(typePairs[0].Key),
		path:    path + "." + typ,
		src:     l.src,
		file:    l.file,
		secrets: l.secrets,
	}
	d := &Destination{Name: name, Type: typ, Settings: settings, Pos: l.pos(pair.Key)}
	if check := l.opts.checkDestination; check != nil {
		if err := check(typ, settings); err != nil {
			l.destinationErrors(err, settings)
		}
	}
	return d
}

func validType(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// destinationErrors records what a WithDestinationTypes check returned:
// positioned errors keep their position, others are placed at the type key.
func (l *loader) destinationErrors(err error, s *Settings) {
	for _, leaf := range flattenErrors(err) {
		var pe *Error
		switch {
		case errors.As(leaf, &pe) && leaf == error(pe):
			l.errs = append(l.errs, &Error{Pos: pe.Pos, Msg: pe.Msg, source: l.src.line(pe.Pos.Line)})
		case errors.As(leaf, &pe):
			// A positioned error wrapped with more context: keep the
			// position and the whole message without the position prefix,
			// unless the message names the setting itself (as those of
			// Settings.Decode and Settings.Errorf do) and the context only
			// repeats the type ("slack: destinations.a.slack: ...").
			msg := strings.Replace(leaf.Error(), pe.Pos.String()+": ", "", 1)
			if strings.HasPrefix(pe.Msg, s.path) {
				msg = pe.Msg
			}
			l.errs = append(l.errs, &Error{Pos: pe.Pos, Msg: msg, source: l.src.line(pe.Pos.Line)})
		default:
			l.errorAt(s.pos, "%s: %s", s.path, leaf.Error())
		}
	}
}

// flattenErrors returns the leaves of joined errors and ErrorLists.
func flattenErrors(err error) []error {
	if err == nil {
		return nil
	}
	if list, ok := err.(ErrorList); ok {
		out := make([]error, len(list))
		for i, e := range list {
			out[i] = e
		}
		return out
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range joined.Unwrap() {
			out = append(out, flattenErrors(e)...)
		}
		return out
	}
	return []error{err}
}
