package config

import (
	"fmt"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// Route sends the findings its pattern or filters match to destinations.
// Every route whose pattern matches fires; routes do not stop each other.
type Route struct {
	Name  string
	Match Match
	// To names destinations, in the order written; each is defined.
	To []string
	// Group batches matching findings into digests; nil sends each finding
	// on its own.
	Group *Group
	// RepeatInterval is how often a destination is reminded of a finding
	// that stays active; 0 means never.
	RepeatInterval time.Duration
	// SendResolved tells the route's destinations when a finding they were
	// told of is resolved (a Slack thread reply, a ticket closed, a
	// PagerDuty resolve); false by default.
	SendResolved bool
	// Pos is where the route starts.
	Pos Position
}

// Group says how a route batches findings into digests.
type Group struct {
	// By names Security Hub filter attributes (AwsAccountId, ProductName,
	// SeverityLabel, ...); findings with equal values share a digest. Empty
	// means one digest for the whole route.
	By []string
	// ByPos holds where each By entry is written (same length as By).
	ByPos []Position
	// Wait is how long the first finding of a new group waits for others.
	Wait time.Duration
	// Interval is the least time between two digests of the same group.
	Interval time.Duration
	// Max is the most findings one digest carries.
	Max int
	Pos Position
}

// Defaults of a route's group.
const (
	DefaultGroupWait     = 30 * time.Second
	DefaultGroupInterval = 5 * time.Minute
	DefaultGroupMax      = 100
	maxGroupMax          = 10000
)

var routeKeys = []string{"name", "pattern", "filters", "to", "group", "repeat_interval", "send_resolved"}

func (l *loader) decodeRoutes(n ast.Node, destinations []string) []*Route {
	if isNull(n) {
		return nil
	}
	items, ok := sequenceItems(n)
	if !ok {
		l.errorf(n, "routes: want a list of routes (- name: ...), got %s", kindOf(n))
		return nil
	}
	defined := map[string]bool{}
	for _, name := range destinations {
		defined[name] = true
	}
	names := destinations
	var routes []*Route
	seen := map[string]Position{}
	for i, item := range items {
		path := fmt.Sprintf("routes[%d]", i)
		r, valid := l.decodeRoute(item, path, defined, names)
		if r == nil {
			continue
		}
		// Names are checked for duplicates even on routes with other
		// problems, so that every mistake is reported in one pass.
		if validName(r.Name) {
			if first, dup := seen[r.Name]; dup {
				l.errorAt(r.Pos, "%s.name: route %q is already defined at line %d", path, r.Name, first.Line)
				continue
			}
			seen[r.Name] = r.Pos
		}
		if valid {
			routes = append(routes, r)
		}
	}
	return routes
}

// decodeRoute reads one route and reports all its problems. It returns nil
// when the item is not a route at all, and otherwise the route as far as it
// could be read (its Name set when written) with valid false when the route
// is unusable.
func (l *loader) decodeRoute(n ast.Node, path string, defined map[string]bool, names []string) (*Route, bool) {
	if isNull(n) {
		l.errorf(n, "%s: empty route", path)
		return nil, false
	}
	o, ok := l.object(n, path, routeKeys...)
	if !ok {
		return nil, false
	}
	r := &Route{Pos: l.pos(n)}
	valid := true
	if name, ok := l.requiredString(o, "name", path); ok {
		if !validName(name) {
			l.errorf(o.value("name"), "%s.name: %q: %s", path, name, nameRule)
			valid = false
		}
		r.Name = name
	} else {
		valid = false
	}
	if m, ok := l.decodeMatch(o, path); ok {
		r.Match = m
	} else {
		valid = false
	}
	if !l.decodeTo(r, o, path, defined, names) {
		valid = false
	}
	if o.has("group") {
		g, ok := l.decodeGroup(o.value("group"), path+".group")
		if !ok {
			valid = false
		}
		r.Group = g
	}
	if o.has("repeat_interval") {
		d, ok := l.durationValue(o.value("repeat_interval"), path+".repeat_interval")
		switch {
		case !ok:
			valid = false
		case d <= 0:
			l.errorf(o.value("repeat_interval"), "%s.repeat_interval: must be longer than 0 (leave it out for no reminders)", path)
			valid = false
		default:
			r.RepeatInterval = d
		}
	}
	if o.has("send_resolved") {
		b, ok := l.boolValue(o.value("send_resolved"), path+".send_resolved")
		valid = valid && ok
		r.SendResolved = b
	}
	return r, valid
}

func (l *loader) decodeTo(r *Route, o *object, path string, defined map[string]bool, names []string) bool {
	if !o.has("to") {
		l.missing(o, "to", path)
		return false
	}
	to, nodes, ok := l.stringList(o.value("to"), path+".to")
	if !ok {
		return false
	}
	if len(to) == 0 {
		l.errorf(o.value("to"), "%s.to: name at least one destination", path)
		return false
	}
	seen := map[string]bool{}
	for i, name := range to {
		switch {
		case !defined[name]:
			l.errorf(nodes[i], "%s.to[%d]: destination %q is not defined under destinations%s", path, i, name, suggest(name, names))
			ok = false
		case seen[name]:
			l.errorf(nodes[i], "%s.to[%d]: destination %q is listed twice", path, i, name)
			ok = false
		}
		seen[name] = true
	}
	r.To = to
	return ok
}

func (l *loader) decodeGroup(n ast.Node, path string) (*Group, bool) {
	o, ok := l.object(n, path, "by", "wait", "interval", "max")
	if !ok {
		return nil, false
	}
	g := &Group{Wait: DefaultGroupWait, Interval: DefaultGroupInterval, Max: DefaultGroupMax, Pos: l.pos(n)}
	valid := true
	if o.has("by") {
		by, nodes, ok := l.stringList(o.value("by"), path+".by")
		valid = valid && ok
		seen := map[string]bool{}
		for i, name := range by {
			switch {
			case !IsGroupAttribute(name):
				l.errorf(nodes[i], "%s.by[%d]: %q is not a finding attribute to group by%s", path, i, name, suggest(name, GroupAttributes()))
				valid = false
			case seen[name]:
				l.errorf(nodes[i], "%s.by[%d]: %q is listed twice", path, i, name)
				valid = false
			}
			seen[name] = true
			g.By = append(g.By, name)
			g.ByPos = append(g.ByPos, l.pos(nodes[i]))
		}
	}
	if o.has("wait") {
		d, ok := l.durationValue(o.value("wait"), path+".wait")
		valid = valid && ok
		g.Wait = d
	}
	if o.has("interval") {
		d, ok := l.durationValue(o.value("interval"), path+".interval")
		if ok && d <= 0 {
			l.errorf(o.value("interval"), "%s.interval: must be longer than 0", path)
			ok = false
		}
		valid = valid && ok
		g.Interval = d
	}
	if o.has("max") {
		m, ok := l.intValue(o.value("max"), path+".max")
		if ok && (m < 1 || m > maxGroupMax) {
			l.errorf(o.value("max"), "%s.max: must be between 1 and %d", path, maxGroupMax)
			ok = false
		}
		valid = valid && ok
		g.Max = m
	}
	return g, valid
}
