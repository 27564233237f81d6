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
//	  NAME: {TYPE: {settings}, retry: {...}, rate: {...}}
//
// with exactly one TYPE key; retry: and rate: are optional and are not part
// of Settings. The destination's package decodes Settings.
type Destination struct {
	Name     string
	Type     string
	Settings *Settings
	// Retry is the destination's effective retry limits: its retry: keys
	// over delivery.retry over the defaults.
	Retry Retry
	// Rate is the destination's rate: limit; nil means the destination
	// type's own default, which the queue knows.
	Rate *Rate
	// Pos is where the destination's name is written.
	Pos Position
}

// destinationOptions are the keys written beside a destination's type key.
var destinationOptions = []string{"retry", "rate"}

// decodeDestinations returns the valid destinations and the names of all
// destinations written (valid or not), so that routes naming a broken
// destination are not also reported.
func (l *loader) decodeDestinations(n ast.Node, retry Retry) ([]*Destination, []string) {
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
		if d := l.decodeDestination(name, pair, path, retry); d != nil {
			out = append(out, d)
		}
	}
	return out, declared
}

func (l *loader) decodeDestination(name string, pair *ast.MappingValueNode, path string, retry Retry) *Destination {
	if isNull(pair.Value) {
		l.errorf(pair.Key, "%s: missing its type, as in %s: {stdout: {}}", path, name)
		return nil
	}
	pairs, ok := mappingPairs(pair.Value)
	if !ok {
		l.errorf(pair.Value, "%s: want a mapping with one type key, as in {slack: {...}}, got %s", path, kindOf(pair.Value))
		return nil
	}
	var typePairs []*ast.MappingValueNode
	options := map[string]*ast.MappingValueNode{}
	for _, p := range pairs {
		key, ok := keyText(p.Key)
		if ok && contains(destinationOptions, key) {
			if options[key] == nil { // a duplicate is reported by prepare
				options[key] = p
			}
			continue
		}
		typePairs = append(typePairs, p)
	}
	d := &Destination{Name: name, Retry: retry, Pos: l.pos(pair.Key)}
	valid := l.decodeDestinationOptions(d, options, path)
	switch {
	case len(typePairs) == 0 && len(options) > 0:
		l.errorf(pair.Key, "%s: no destination type: retry and rate go beside one type key, as in %s: {stdout: {}, retry: {max_attempts: 10}}", path, name)
		return nil
	case len(typePairs) == 0:
		l.errorf(pair.Value, "%s: missing its type, as in %s: {stdout: {}}", path, name)
		return nil
	case len(typePairs) > 1:
		first, _ := keyText(typePairs[0].Key)
		for _, extra := range typePairs[1:] {
			typ, _ := keyText(extra.Key)
			l.errorf(extra.Key, "%s: has a second type key %q after %q; a destination has exactly one type (define another destination)%s", path, typ, first, suggest(typ, destinationOptions))
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
	d.Type, d.Settings = typ, settings
	if check := l.opts.checkDestination; check != nil {
		if err := check(typ, settings); err != nil {
			l.destinationErrors(err, settings)
		}
	}
	if !valid {
		return nil
	}
	return d
}

// decodeDestinationOptions reads the retry: and rate: keys written beside a
// destination's type into d. It reports false when either has a problem.
func (l *loader) decodeDestinationOptions(d *Destination, options map[string]*ast.MappingValueNode, path string) bool {
	valid := true
	if p := options["retry"]; p != nil && !isNull(p.Value) {
		r, ok := l.decodeRetry(p.Value, path+".retry", d.Retry, inheritedFromDeliveryMsg)
		d.Retry = r
		valid = valid && ok
	}
	if p := options["rate"]; p != nil && !isNull(p.Value) {
		r, ok := l.decodeRate(p.Key, p.Value, path+".rate")
		d.Rate = r
		valid = valid && ok
	}
	return valid
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
