package config

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
)

// ActionTarget is a Security Hub custom action hubrelay creates or updates
// (securityhub.actions). Its clicks arrive as "Security Hub Findings -
// Custom Action" events and are routed like any other.
type ActionTarget struct {
	// ID is 1 to MaxActionID letters and digits, the end of the target's
	// ARN (…:action/custom/ID).
	ID string
	// Name is 1 to MaxActionName characters, shown in the console.
	Name string
	// Description is 1 to MaxActionDescription characters.
	Description string
	// Pos is where the entry starts.
	Pos Position
}

// Limits of a custom action target, as CreateActionTarget documents them.
const (
	MaxActionID          = 20
	MaxActionName        = 20
	MaxActionDescription = 256
)

// decodeSecurityHubOptions reads the keys of securityhub: that say what
// hubrelay writes back (note, ticket_fields) and the custom actions.
func (l *loader) decodeSecurityHubOptions(sh *SecurityHub, o *object) {
	if o.has("note") {
		if b, ok := l.boolValue(o.value("note"), "securityhub.note"); ok {
			sh.Note = b
		}
	}
	if o.has("ticket_fields") {
		if b, ok := l.boolValue(o.value("ticket_fields"), "securityhub.ticket_fields"); ok {
			sh.TicketFields = b
		}
	}
	if o.has("actions") {
		sh.Actions = l.decodeActions(o)
	}
}

func (l *loader) decodeActions(o *object) []*ActionTarget {
	const path = "securityhub.actions"
	n := o.value("actions")
	items, ok := sequenceItems(n)
	if !ok {
		l.errorf(n, "%s: want a list of custom actions (- id: ...), got %s", path, kindOf(n))
		return nil
	}
	var out []*ActionTarget
	seen := map[string]Position{}
	for i, item := range items {
		at := fmt.Sprintf("%s[%d]", path, i)
		a, ok := l.decodeAction(item, at)
		if a == nil {
			continue
		}
		if first, dup := seen[a.ID]; dup && a.ID != "" {
			l.errorAt(a.Pos, "%s.id: %q is already defined at line %d", at, a.ID, first.Line)
			continue
		}
		seen[a.ID] = a.Pos
		if ok {
			out = append(out, a)
		}
	}
	return out
}

// decodeAction reads one custom action; nil when the item is not a
// mapping, ok false when it is unusable.
func (l *loader) decodeAction(n ast.Node, path string) (*ActionTarget, bool) {
	if isNull(n) {
		l.errorf(n, "%s: empty custom action", path)
		return nil, false
	}
	o, ok := l.object(n, path, "id", "name", "description")
	if !ok {
		return nil, false
	}
	a := &ActionTarget{Pos: l.pos(n)}
	valid := true
	if id, ok := l.requiredString(o, "id", path); ok {
		a.ID = id
		switch {
		case len(id) > MaxActionID || strings.TrimFunc(id, isASCIIAlnum) != "":
			l.errorf(o.value("id"), "%s.id: %q: use 1 to %d letters and digits (A-Z, a-z, 0-9)", path, id, MaxActionID)
			valid = false
		}
	} else {
		valid = false
	}
	if name, ok := l.requiredString(o, "name", path); ok {
		a.Name = name
		if c := utf8.RuneCountInString(name); c > MaxActionName {
			l.errorf(o.value("name"), "%s.name: %d characters; at most %d", path, c, MaxActionName)
			valid = false
		}
	} else {
		valid = false
	}
	if d, ok := l.requiredString(o, "description", path); ok {
		a.Description = d
		if c := utf8.RuneCountInString(d); c > MaxActionDescription {
			l.errorf(o.value("description"), "%s.description: %d characters; at most %d", path, c, MaxActionDescription)
			valid = false
		}
	} else {
		valid = false
	}
	return a, valid
}

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}
