package config

import (
	"fmt"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// Suppression keeps the findings it matches from being delivered anywhere,
// until it expires.
type Suppression struct {
	Name  string
	Match Match
	// Until is the last instant the suppression applies; zero means
	// forever. A date-only until: lasts to the end of that day in the
	// configured time zone.
	Until  time.Time
	Reason string
	Pos    Position
}

// Active reports whether the suppression applies at now. Safe for concurrent
// use.
func (s *Suppression) Active(now time.Time) bool {
	return s.Until.IsZero() || !now.After(s.Until)
}

var suppressionKeys = []string{"name", "pattern", "filters", "until", "reason"}

func (l *loader) decodeSuppressions(n ast.Node, loc *time.Location) []*Suppression {
	if isNull(n) {
		return nil
	}
	items, ok := sequenceItems(n)
	if !ok {
		l.errorf(n, "suppress: want a list of suppressions (- name: ...), got %s", kindOf(n))
		return nil
	}
	var out []*Suppression
	seen := map[string]Position{}
	for i, item := range items {
		path := fmt.Sprintf("suppress[%d]", i)
		s, valid := l.decodeSuppression(item, path, loc)
		if s == nil {
			continue
		}
		// As for routes: duplicates are found among invalid entries too.
		if validName(s.Name) {
			if first, dup := seen[s.Name]; dup {
				l.errorAt(s.Pos, "%s.name: suppression %q is already defined at line %d", path, s.Name, first.Line)
				continue
			}
			seen[s.Name] = s.Pos
		}
		if valid {
			out = append(out, s)
		}
	}
	return out
}

// decodeSuppression reads one suppression and reports all its problems. It
// returns nil when the item is not a suppression at all, and otherwise the
// suppression as far as it could be read with valid false when it is
// unusable.
func (l *loader) decodeSuppression(n ast.Node, path string, loc *time.Location) (*Suppression, bool) {
	if isNull(n) {
		l.errorf(n, "%s: empty suppression", path)
		return nil, false
	}
	o, ok := l.object(n, path, suppressionKeys...)
	if !ok {
		return nil, false
	}
	s := &Suppression{Pos: l.pos(n)}
	valid := true
	if name, ok := l.requiredString(o, "name", path); ok {
		if !validName(name) {
			l.errorf(o.value("name"), "%s.name: %q: %s", path, name, nameRule)
			valid = false
		}
		s.Name = name
	} else {
		valid = false
	}
	if m, ok := l.decodeMatch(o, path); ok {
		s.Match = m
	} else {
		valid = false
	}
	if o.has("reason") {
		if r, ok := l.stringValue(o.value("reason"), path+".reason"); ok {
			s.Reason = r
		} else {
			valid = false
		}
	}
	if o.has("until") {
		until, ok := l.untilValue(o.value("until"), path+".until", loc)
		if !ok {
			valid = false
		} else {
			s.Until = until
			if !s.Active(l.opts.now) {
				l.warnf(o.value("until"), "%s: suppression %q expired at %s; it no longer applies: remove it", path, s.Name, until.Format(time.RFC3339))
			}
		}
	}
	return s, valid
}

// untilValue reads a date (2006-01-02, meaning to the end of that day) or a
// time (RFC 3339, or without an offset meaning loc's time).
func (l *loader) untilValue(n ast.Node, path string, loc *time.Location) (time.Time, bool) {
	s, ok := l.stringValue(n, path)
	if !ok {
		return time.Time{}, false
	}
	if loc == nil {
		loc = time.UTC
	}
	if d, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return d.AddDate(0, 0, 1).Add(-time.Nanosecond), true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	l.errorf(n, "%s: %q is neither a date (2006-01-02) nor a time (2006-01-02T15:04:05Z07:00, or without the offset for the configured time zone)", path, s)
	return time.Time{}, false
}
