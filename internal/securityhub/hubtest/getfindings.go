package hubtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/hubrelay/hubrelay/internal/pattern"
)

// getFindingsInput is the GetFindings request body.
type getFindingsInput struct {
	Filters      json.RawMessage `json:"Filters"`
	MaxResults   *number         `json:"MaxResults"`
	NextToken    *string         `json:"NextToken"`
	SortCriteria []sortCriterion `json:"SortCriteria"`
}

// maxResults reads MaxResults: absent means def, else an integer in
// [1, limit].
func maxResults(op string, n *number, def, limit int64) (int, *apiError) {
	if n == nil {
		return int(def), nil
	}
	v, err := intIn(json.Number(*n), 1, limit)
	if err != nil {
		return 0, badRequest(isV2(op), "%s: MaxResults %v", op, err)
	}
	return int(v), nil
}

// getFindings answers GetFindings (POST /findings): the stored ASFF
// findings that match Filters, sorted by SortCriteria (default UpdatedAt
// descending, an undocumented choice), MaxResults per page (1 to 100,
// default 100), continued with NextToken. The pages of one query are cut
// from the result list of its first page while no finding changes (a
// change makes the next page query again).
func (s *Server) getFindings(r *request) (any, *apiError) {
	const op = "GetFindings"
	var in getFindingsInput
	if e := decodeBody(r, &in); e != nil {
		return nil, e
	}
	size, e := maxResults(op, in.MaxResults, 100, 100)
	if e != nil {
		return nil, e
	}
	// A continued query's filters were checked when its first page was
	// asked for (the token is bound to them): they are compiled again
	// only when its results must be computed again.
	criteria := in.SortCriteria
	if len(criteria) == 0 {
		field, order := "UpdatedAt", "desc"
		criteria = []sortCriterion{{Field: &field, SortOrder: &order}}
	}
	sortJSON, _ := json.Marshal(criteria)
	fp := fingerprint(bytes.TrimSpace(in.Filters), sortJSON)
	cached, haveCache := s.state.cached(op, fp)
	var match *pattern.Set[int]
	if !haveCache || in.NextToken == nil {
		var e *apiError
		if match, e = compileFilters(in.Filters); e != nil {
			return nil, e
		}
	}
	specs, e := parseSortCriteria(op, criteria, func(name string) *sortField {
		if f, ok := sortFields[name]; ok {
			return &f
		}
		return nil
	})
	if e != nil {
		return nil, e
	}
	offset, ok := decodeToken(in.NextToken, op, fp)
	if !ok {
		return nil, invalidInput("%s: the NextToken is invalid: it is not a token this server issued for the same Filters and SortCriteria", op)
	}

	var hits []*asffRecord
	if haveCache && in.NextToken != nil {
		hits = cached.([]*asffRecord)
	} else {
		var e *apiError
		if hits, e = s.matchASFF(match); e != nil {
			return nil, e
		}
		sortDocs(hits, specs, func(r *asffRecord) map[string]any { return r.doc }, func(r *asffRecord) int64 { return r.seq })
		s.state.remember(op, fp, hits)
	}
	from, to, next := page(op, fp, offset, size, len(hits))
	out := findingsPage{Findings: make([]json.RawMessage, 0, to-from), NextToken: next}
	for _, rec := range hits[from:to] {
		out.Findings = append(out.Findings, json.RawMessage(rec.raw))
	}
	return out, nil
}

// matchASFF returns the stored findings the filters select, in insertion
// order. The events are matched with a pattern.Set, the indexed matcher
// hubrelay's router uses; DateRange filters are evaluated at the server
// clock.
func (s *Server) matchASFF(match *pattern.Set[int]) ([]*asffRecord, *apiError) {
	now := s.now()
	var hits []*asffRecord
	for _, rec := range s.state.sortedASFF() {
		if match == nil {
			hits = append(hits, rec)
			continue
		}
		keys, err := match.MatchAt(rec.event, now)
		if err != nil {
			return nil, errorf(http.StatusInternalServerError, "InternalException", "GetFindings: matching finding %q: %v", stringField(rec.doc, "Id"), err)
		}
		if len(keys) > 0 {
			hits = append(hits, rec)
		}
	}
	return hits, nil
}

// compileFilters checks GetFindings Filters against the documented limits
// ("You can filter by up to 10 finding attributes. For each attribute, you
// can provide up to 20 filter values.") and compiles them with
// pattern.FromFilters into a one-pattern Set. Absent or null Filters match
// everything (nil).
func compileFilters(filters json.RawMessage) (*pattern.Set[int], *apiError) {
	const op = "GetFindings"
	trimmed := bytes.TrimSpace(filters)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		return nil, nil
	}
	attributes, maxValues, err := pattern.FilterLimits(trimmed)
	if err != nil {
		return nil, filterError(op, err)
	}
	if attributes > pattern.MaxFilterAttributes {
		return nil, invalidInput("%s: Filters: you can filter by up to %d finding attributes, got %d", op, pattern.MaxFilterAttributes, attributes)
	}
	if maxValues > pattern.MaxFilterValues {
		return nil, invalidInput("%s: Filters: for each attribute you can provide up to %d filter values, got %d", op, pattern.MaxFilterValues, maxValues)
	}
	p, err := pattern.FromFilters(trimmed)
	if err != nil {
		return nil, filterError(op, err)
	}
	set := pattern.NewSet[int]()
	set.Add(0, p)
	return set, nil
}

// filterError reports a filter the compiler rejected, naming the attribute
// path ("Filters.SeverityLabel[2].Comparison").
func filterError(op string, err error) *apiError {
	var pe *pattern.Error
	if errors.As(err, &pe) {
		path := pattern.FormatPath(append([]any{"Filters"}, pe.Path...))
		return invalidInput("%s: %s: %s", op, path, pe.Msg)
	}
	return invalidInput("%s: Filters: %v", op, err)
}
