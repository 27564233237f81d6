package route

import (
	"errors"
	"fmt"
	"time"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/pattern"
)

// Router matches findings against a config's routes and suppressions. It is
// immutable after New and safe for concurrent use by any number of
// goroutines.
type Router struct {
	routes       []compiledRoute
	routeSet     *pattern.Set[int]
	suppressions []*config.Suppression
	suppressSet  *pattern.Set[int]
}

type compiledRoute struct {
	route *config.Route
	// group reads the group.by attributes; nil when the route is not grouped.
	group []attribute
}

// Decision is where one finding goes.
type Decision struct {
	// Routes are the names of every route whose pattern matched, in config
	// order, whether or not the finding is suppressed.
	Routes []string
	// Destinations are the destinations that will be told, each once, in the
	// order the matched routes name them; empty when suppressed.
	Destinations []string
	// SuppressedBy names the first active suppression (config order) that
	// matched; "" when none did.
	SuppressedBy string
	// Deliveries are the route × destination pairs to deliver, in route
	// order then destination order; empty when suppressed.
	Deliveries []Delivery
}

// Delivery is one route telling one destination about a finding.
type Delivery struct {
	Route       string
	Destination string
	// GroupKey puts the finding into a digest: the finding's Id when the
	// route has no group, else a JSON array of the route name and the
	// finding's group.by values.
	GroupKey string
}

// New compiles the routes and suppressions of cfg into a Router. A route
// grouping by an attribute the router cannot read is a config.ErrorList
// error positioned at the attribute. cfg must not be changed afterwards.
func New(cfg *config.Config) (*Router, error) {
	if cfg == nil {
		return nil, errors.New("route: no config")
	}
	r := &Router{routeSet: pattern.NewSet[int](), suppressSet: pattern.NewSet[int]()}
	var problems config.ErrorList
	for i, rt := range cfg.Routes {
		if rt == nil || rt.Match.Pattern == nil {
			return nil, fmt.Errorf("route: route %d has no compiled pattern; build the config with config.Load or config.Parse", i)
		}
		cr := compiledRoute{route: rt}
		if rt.Group != nil {
			cr.group = make([]attribute, 0, len(rt.Group.By))
			for j, name := range rt.Group.By {
				a, ok := lookupAttribute(name)
				if !ok {
					problems = append(problems, &config.Error{Pos: groupPos(rt.Group, j), Msg: fmt.Sprintf("route %q: group.by: cannot group by %q", rt.Name, name)})
					continue
				}
				cr.group = append(cr.group, a)
			}
		}
		r.routes = append(r.routes, cr)
		r.routeSet.Add(i, rt.Match.Pattern)
	}
	for i, s := range cfg.Suppressions {
		if s == nil || s.Match.Pattern == nil {
			return nil, fmt.Errorf("route: suppression %d has no compiled pattern; build the config with config.Load or config.Parse", i)
		}
		r.suppressions = append(r.suppressions, s)
		r.suppressSet.Add(i, s.Match.Pattern)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return r, nil
}

func groupPos(g *config.Group, i int) config.Position {
	if i < len(g.ByPos) {
		return g.ByPos[i]
	}
	return g.Pos
}

// Route decides where item's finding goes at time now (which decides whether
// suppressions have expired and is the time date conditions in patterns are
// evaluated against). Patterns match item.Event. It errors when the item has
// no finding or its event is not a JSON object. Safe for concurrent use.
func (r *Router) Route(item finding.Item, now time.Time) (Decision, error) {
	var d Decision
	if item.Finding == nil {
		return d, errors.New("route: item has no finding")
	}
	matched, err := r.routeSet.MatchAt(item.Event, now)
	if err != nil {
		return d, fmt.Errorf("route: finding %s: match routes: %w", item.Finding.ID, err)
	}
	if len(r.suppressions) > 0 {
		sup, err := r.suppressSet.MatchAt(item.Event, now)
		if err != nil {
			return d, fmt.Errorf("route: finding %s: match suppressions: %w", item.Finding.ID, err)
		}
		d.SuppressedBy = r.firstActive(sup, now)
	}
	if len(matched) == 0 {
		return d, nil
	}
	d.Routes = make([]string, len(matched))
	for i, idx := range matched {
		d.Routes[i] = r.routes[idx].route.Name
	}
	if d.SuppressedBy != "" {
		return d, nil
	}
	seen := make(map[string]bool, 4)
	for _, idx := range matched {
		cr := r.routes[idx]
		key := item.Finding.ID
		if cr.group != nil {
			key = groupKey(cr.route.Name, cr.group, item.Finding)
		}
		for _, dest := range cr.route.To {
			d.Deliveries = append(d.Deliveries, Delivery{Route: cr.route.Name, Destination: dest, GroupKey: key})
			if !seen[dest] {
				seen[dest] = true
				d.Destinations = append(d.Destinations, dest)
			}
		}
	}
	return d, nil
}

// firstActive returns the name of the first suppression among matched (which
// come in config order) that applies at now.
func (r *Router) firstActive(matched []int, now time.Time) string {
	for _, idx := range matched {
		if s := r.suppressions[idx]; s.Active(now) {
			return s.Name
		}
	}
	return ""
}
