package hubtest

import (
	"encoding/json"
	"slices"
	"strings"
)

// getFindingsV2Input is the GetFindingsV2 request body.
type getFindingsV2Input struct {
	Filters      *ocsfFindingFilters `json:"Filters"`
	MaxResults   *number             `json:"MaxResults"`
	NextToken    *string             `json:"NextToken"`
	SortCriteria []sortCriterion     `json:"SortCriteria"`
	// Scopes narrows the query to organizations or organizational units.
	// The server has no organization: Scopes is accepted and not applied.
	Scopes json.RawMessage `json:"Scopes"`
}

// getFindingsV2 answers GetFindingsV2 (POST /findingsv2): the stored OCSF
// findings that match Filters (see compileOCSFFilters), sorted by
// SortCriteria (any field the V2 filters name; default
// finding_info.modified_time_dt descending, an undocumented choice),
// MaxResults 1 to 100 (default 100), continued with NextToken.
func (s *Server) getFindingsV2(r *request) (any, *apiError) {
	const op = "GetFindingsV2"
	var in getFindingsV2Input
	if e := decodeBody(r, &in); e != nil {
		return nil, e
	}
	size, e := maxResults(op, in.MaxResults, 100, 100)
	if e != nil {
		return nil, e
	}
	match, e := compileOCSFFilters(in.Filters, s.now())
	if e != nil {
		return nil, e
	}
	criteria := in.SortCriteria
	if len(criteria) == 0 {
		field, order := "finding_info.modified_time_dt", "desc"
		criteria = []sortCriterion{{Field: &field, SortOrder: &order}}
	}
	specs, e := parseSortCriteria(op, criteria, ocsfSortField)
	if e != nil {
		return nil, e
	}
	filtersJSON, _ := json.Marshal(in.Filters)
	sortJSON, _ := json.Marshal(criteria)
	fp := fingerprint(filtersJSON, sortJSON)
	offset, ok := decodeToken(in.NextToken, op, fp)
	if !ok {
		return nil, validation("%s: the NextToken is invalid: it is not a token this server issued for the same Filters and SortCriteria", op)
	}
	var hits []*ocsfRecord
	if cached, ok := s.state.cached(op, fp); ok && in.NextToken != nil {
		hits = cached.([]*ocsfRecord)
	} else {
		for _, rec := range s.state.sortedOCSF() {
			if match == nil || match(rec.doc) {
				hits = append(hits, rec)
			}
		}
		sortDocs(hits, specs, func(r *ocsfRecord) map[string]any { return r.doc }, func(r *ocsfRecord) int64 { return r.seq })
		s.state.remember(op, fp, hits)
	}
	from, to, next := page(op, fp, offset, size, len(hits))
	out := findingsPage{Findings: make([]json.RawMessage, 0, to-from), NextToken: next}
	for _, rec := range hits[from:to] {
		out.Findings = append(out.Findings, json.RawMessage(rec.raw))
	}
	return out, nil
}

// ocsfSortField resolves a V2 sort field: any field name the V2 filters
// take; values compare numerically, as instants or as strings.
func ocsfSortField(name string) *sortField {
	for _, kind := range []string{"StringFilters", "NumberFilters", "DateFilters", "BooleanFilters"} {
		if slices.Contains(fieldNames(kind), name) {
			return &sortField{kind: sortAuto, path: strings.Split(name, ".")}
		}
	}
	return nil
}
