package config

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
)

// Settings are one destination's settings as written in the file (the value
// of its type key), kept as YAML. Destination packages do not import config:
// the caller's registry hands them the Settings through a small interface of
// their own (Decode(v any) error) and they decode their typed struct. Secret
// references are already resolved. Methods are safe for concurrent use.
type Settings struct {
	typ     string
	node    ast.Node // nil or null when the type key has no value
	pos     Position // the type key
	path    string   // destinations.NAME.TYPE
	src     *sourceText
	file    string
	secrets []string

	mu sync.Mutex // the YAML decoder is not known to be safe on a shared tree
}

// Pos returns where the settings are written (the destination's type key).
func (s *Settings) Pos() Position { return s.pos }

// Empty reports whether nothing was written after the type key (stdout: or
// stdout: {}).
func (s *Settings) Empty() bool {
	if isNull(s.node) {
		return true
	}
	pairs, ok := mappingPairs(s.node)
	return ok && len(pairs) == 0
}

// Decode decodes the settings into v, a pointer to a struct whose fields carry
// yaml tags. Decoding is strict: a key v has no field for, or a value of the
// wrong type, is an *Error positioned at that key or value. Missing settings
// leave v unchanged. Error messages never contain secret values.
func (s *Settings) Decode(v any) error {
	if isNull(s.node) {
		return nil
	}
	if _, ok := mappingPairs(s.node); !ok {
		return s.newError(s.nodePos(s.node), fmt.Sprintf("%s: want a mapping of settings, got %s", s.path, kindOf(s.node)))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	dec := yaml.NewDecoder(strings.NewReader(""), yaml.Strict(), yaml.AllowDuplicateMapKey())
	err := dec.DecodeFromNode(s.node, v)
	if err == nil {
		return nil
	}
	var yerr yaml.Error
	if errors.As(err, &yerr) && yerr.GetToken() != nil && yerr.GetToken().Position != nil {
		p := yerr.GetToken().Position
		msg, ok := s.settingsErrorMessage(err, v)
		if !ok {
			msg = s.path + ": " + yerr.GetMessage()
		}
		return s.newError(clampPos(s.file, p.Line, p.Column), msg)
	}
	return s.newError(s.pos, s.path+": "+firstLine(err.Error()))
}

// Errorf returns an *Error positioned at the value of key within the settings
// (at the type key when key is "" or not written), with message
// "destinations.NAME.TYPE.key: " + the formatted text. Destination packages use
// it for settings that decode but make no sense (a missing channel, a bad
// URL). Do not format secret values into it; they are blanked if you do.
func (s *Settings) Errorf(key string, format string, args ...any) error {
	at := s.pos
	path := s.path
	if key != "" {
		path += "." + key
		if pairs, ok := mappingPairs(s.node); ok {
			for _, pair := range pairs {
				if name, _ := keyText(pair.Key); name == key {
					if isNull(pair.Value) {
						at = s.nodePos(pair.Key)
					} else {
						at = s.nodePos(pair.Value)
					}
					break
				}
			}
		}
	}
	return s.newError(at, path+": "+fmt.Sprintf(format, args...))
}

func (s *Settings) nodePos(n ast.Node) Position {
	line, col := nodeLineCol(n)
	return clampPos(s.file, line, col)
}

func (s *Settings) newError(p Position, msg string) *Error {
	return &Error{Pos: p, Msg: scrub(msg, s.secrets), source: scrub(s.src.line(p.Line), s.secrets)}
}

func clampPos(file string, line, col int) Position {
	return Position{File: file, Line: max(line, 1), Column: max(col, 1)}
}
