package config

import (
	"fmt"
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/hubrelay/hubrelay/internal/pattern"
)

// PollSource reads findings with GetFindings (or GetFindingsV2) on a
// schedule: the filters are pushed down to the API, and a checkpoint on
// the time findings were last updated makes each run read only what
// changed since the last one.
type PollSource struct {
	// Interval is the time between two runs; default DefaultPollInterval,
	// at least MinPollInterval.
	Interval time.Duration
	// API is PollAPIv1 (GetFindings, the default) or PollAPIv2
	// (GetFindingsV2), and decides the shape of Filters.
	API string
	// Filters are compact JSON (key order kept). With PollAPIv1,
	// AwsSecurityFindingFilters, checked like a route's filters and
	// against the poller's limits: at most MaxPollAttributes attributes,
	// no UpdatedAt, and a list of more than MaxPollValues filters only
	// where its filters are OR'ed (EQUALS, PREFIX or CONTAINS; map
	// filters on one Key; number, date, boolean or IP filters), since the
	// poller splits it into several queries. With PollAPIv2,
	// OcsfFindingFilters ({CompositeFilters, CompositeOperator}), checked
	// for shape, operators, comparisons and the GetFindingsV2 limits
	// (MaxPollCompositeFilters, MaxPollFiltersPerType) as the poller will
	// send them.
	Filters []byte
	// Region is the region to poll (its findings, or with cross-Region
	// aggregation those of every linked region); empty means
	// securityhub.region.
	Region string
	// Pos is where poll: is written.
	Pos Position
}

// Poll source defaults and limits.
const (
	DefaultPollInterval = 5 * time.Minute
	MinPollInterval     = 10 * time.Second
	// MaxPollAttributes is the most filter attributes: GetFindings takes
	// pattern.MaxFilterAttributes and the poller adds UpdatedAt.
	MaxPollAttributes = pattern.MaxFilterAttributes - 1
	// MaxPollValues is the most filters one attribute takes in one call.
	MaxPollValues = pattern.MaxFilterValues
)

var pollSourceKeys = []string{"interval", "api", "filters", "region"}

// decodePollSource reads sources.poll; key is the poll key. It returns nil
// when the value is not a mapping or its filters are unusable.
func (l *loader) decodePollSource(key, n ast.Node) *PollSource {
	const path = "sources.poll"
	o, ok := l.object(n, path, pollSourceKeys...)
	if !ok {
		return nil
	}
	ps := &PollSource{Interval: DefaultPollInterval, Pos: l.pos(key)}
	if o.has("interval") {
		if d, ok := l.durationValue(o.value("interval"), path+".interval"); ok {
			if d < MinPollInterval {
				l.errorf(o.value("interval"), "%s.interval: at least %s (GetFindings allows 3 calls a second)", path, formatDuration(MinPollInterval))
			} else {
				ps.Interval = d
			}
		}
	}
	if o.has("region") {
		if s, ok := l.stringValue(o.value("region"), path+".region"); ok {
			if validRegion(s) {
				ps.Region = s
			} else {
				l.errorf(o.value("region"), "%s.region: %q is not an AWS region name such as ap-northeast-1", path, s)
			}
		}
	}
	api, ok := l.decodePollAPI(o, path)
	if !ok {
		return nil
	}
	ps.API = api
	if !o.has("filters") {
		l.missing(o, "filters", path)
		return nil
	}
	read := l.pollFilters
	if api == PollAPIv2 {
		read = l.pollFiltersV2
	}
	filters, ok := read(o.value("filters"), path+".filters")
	if !ok {
		return nil
	}
	ps.Filters = filters
	return ps
}

// pollFilters reads and checks the poll filters, returning them as JSON.
func (l *loader) pollFilters(node ast.Node, where string) ([]byte, bool) {
	doc := l.matchDocument(node, where)
	if doc == nil {
		return nil, false
	}
	if doc.kind != jsonObject {
		l.errorf(node, "%s: want a mapping of finding attributes (or a JSON object), got %s", where, doc.describe())
		return nil, false
	}
	v2 := doc
	if f := doc.child("Filters"); f != nil && f.kind == jsonObject {
		v2 = f
	}
	for _, key := range []string{"CompositeFilters", "CompositeOperator"} {
		if v := v2.child(key); v != nil {
			l.errorAt(v.pos, "%s: %s belongs to GetFindingsV2 (OCSF) filters: add api: v2 to poll the new Security Hub, "+
				"or write AwsSecurityFindingFilters for GetFindings", where, key)
			return nil, false
		}
	}
	if _, err := pattern.FromFilters(doc.appendJSON(nil)); err != nil {
		l.patternError(err, doc, node, where)
		return nil, false
	}
	// A whole GetFindings request pasted from the CLI: keep its Filters.
	if f := doc.child("Filters"); f != nil {
		if f.kind != jsonObject {
			l.errorAt(f.pos, "%s: Filters: want an object of finding attributes, got %s", where, f.describe())
			return nil, false
		}
		doc = f
	}
	data := doc.appendJSON(nil)
	attributes, _, _ := pattern.FilterLimits(data)
	valid := true
	if attributes > MaxPollAttributes {
		l.errorAt(doc.pos, "%s: %d attributes; GetFindings takes at most %d and the poller adds UpdatedAt, so at most %d",
			where, attributes, pattern.MaxFilterAttributes, MaxPollAttributes)
		valid = false
	}
	for i, name := range doc.keys {
		list := doc.elems[i]
		if list.kind != jsonArray || len(list.elems) == 0 {
			continue
		}
		if name == "UpdatedAt" {
			l.errorAt(list.pos, "%s: UpdatedAt: the poller filters on UpdatedAt itself (from its checkpoint); leave it out", where)
			valid = false
			continue
		}
		if len(list.elems) > MaxPollValues {
			if msg := unsplittable(name, list); msg != "" {
				l.errorAt(list.pos, "%s: %s", where, msg)
				valid = false
			}
		}
	}
	if len(doc.keys) == 0 {
		l.warnf(node, "%s: {} reads every finding", where)
	}
	return data, valid
}

// unsplittable says why a list of more than MaxPollValues filters cannot be
// split into several GetFindings queries, or "" when it can: its filters
// must be OR'ed.
func unsplittable(name string, list *jsonValue) string {
	key := ""
	for i, f := range list.elems {
		if c := f.child("Comparison"); c != nil && c.kind == jsonString {
			switch c.text {
			case "EQUALS", "PREFIX", "CONTAINS":
			default:
				return fmt.Sprintf("%s: %d filters, more than the %d one GetFindings call takes, and %s[%d] is %s: "+
					"only a list of EQUALS, PREFIX or CONTAINS filters (which are OR'ed) can be split into several queries",
					name, len(list.elems), MaxPollValues, name, i, c.text)
			}
		}
		if k := f.child("Key"); k != nil && k.kind == jsonString {
			if i > 0 && k.text != key {
				return fmt.Sprintf("%s: %d filters on more than one Key, more than the %d one GetFindings call takes: "+
					"only filters on one Key (which are OR'ed) can be split into several queries", name, len(list.elems), MaxPollValues)
			}
			key = k.text
		}
	}
	return ""
}
