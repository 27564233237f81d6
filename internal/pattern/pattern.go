package pattern

import (
	"time"
)

// Pattern is one compiled EventBridge event pattern. It is immutable after
// Compile and safe for concurrent use by any number of goroutines.
type Pattern struct {
	canonical string
	clauses   []andClause
	hasDate   bool
}

// Compile compiles one EventBridge event pattern (JSON), as users paste it
// from their EventBridge rules; config calls it to check route patterns at
// load. An invalid pattern is reported as *Error naming the path and the
// problem. Compile is safe to call concurrently.
func Compile(pattern []byte) (*Pattern, error) {
	return compileExt(pattern, false)
}

// compileExt compiles pattern JSON; when ext is true the private operator
// "hubrelay-date" is accepted as a leaf matcher (Compile passes false and
// rejects it as an unknown operator).
func compileExt(pattern []byte, ext bool) (*Pattern, error) {
	root, err := decodePattern(pattern)
	if err != nil {
		return nil, err
	}
	if root.kind != jObject {
		return nil, &Error{Msg: "a pattern must be a JSON object, got " + root.describe()}
	}
	c := &patternCompiler{ext: ext}
	clauses, err := c.object(root, nil, nil)
	if err != nil {
		return nil, err
	}
	return &Pattern{
		canonical: string(appendCanonical(nil, root)),
		clauses:   clauses,
		hasDate:   c.hasDate,
	}, nil
}

// Match reports whether the event (raw JSON) matches the pattern. Invalid
// JSON, or JSON that is not an object, is an error. The current time is read
// only when the pattern uses the date operator. Match is the simple
// reference evaluator (it decodes the whole event); to match many patterns
// against many events use Set. Safe for concurrent use.
func (p *Pattern) Match(event []byte) (bool, error) {
	var now time.Time
	if p.hasDate {
		now = time.Now()
	}
	return p.MatchAt(event, now)
}

// MatchAt is Match with the time that date conditions are evaluated
// against. Safe for concurrent use.
func (p *Pattern) MatchAt(event []byte, now time.Time) (bool, error) {
	ev, err := decodeEvent(event)
	if err != nil {
		return false, err
	}
	for i := range p.clauses {
		if ev.matchClause(&p.clauses[i], now) {
			return true, nil
		}
	}
	return false, nil
}

// String returns the pattern as canonical JSON: compact, object keys sorted,
// duplicate keys resolved (the last one wins), numbers as written.
func (p *Pattern) String() string {
	return p.canonical
}
