package securityhub

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

// The limits one GetFindings call puts on its Filters, and what the Poller
// makes of them.
const (
	// MaxFilterAttributes is the most attributes one GetFindings call
	// filters on.
	MaxFilterAttributes = 10
	// MaxFilterValues is the most filters one attribute takes in one call.
	MaxFilterValues = 20
	// MaxPollAttributes is the most attributes poll filters may set: the
	// Poller adds UpdatedAt for its checkpoint.
	MaxPollAttributes = MaxFilterAttributes - 1
	// MaxPollQueries is the most GetFindings queries one set of poll
	// filters may be split into.
	MaxPollQueries = 100
)

// query is one GetFindings Filters value within the API's limits, or,
// when v2 is set, the GetFindingsV2 Filters of a V2 poller.
type query struct {
	attrs   map[string][]json.RawMessage // as written, for the checkpoint name
	filters types.AwsSecurityFindingFilters
	v2      *types.OcsfFindingFilters
}

// splitFilters reads AwsSecurityFindingFilters JSON (an object of
// attributes, each a list of filters) and returns the queries whose results
// together are what the filters select. An attribute with more than
// MaxFilterValues filters is split into lists of at most MaxFilterValues,
// one query per combination, which is right because the filters of such a
// list are OR'ed: the list must hold only EQUALS, PREFIX or CONTAINS
// filters (and, for a map attribute, all on one Key), or number, date,
// boolean or IP filters. Null attributes and empty lists are dropped.
// Errors name the attribute.
func splitFilters(data []byte) ([]query, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || bytes.Equal(data, []byte("null")) {
		data = []byte("{}")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("filters: want an object of finding attributes (AwsSecurityFindingFilters): %w", err)
	}
	names := make([]string, 0, len(raw))
	attrs := map[string][]json.RawMessage{}
	for name, v := range raw {
		v = bytes.TrimSpace(v)
		if bytes.Equal(v, []byte("null")) {
			continue
		}
		var list []json.RawMessage
		if err := json.Unmarshal(v, &list); err != nil {
			return nil, fmt.Errorf("filters: %s: want a list of filters", name)
		}
		if len(list) == 0 {
			continue
		}
		if name == "UpdatedAt" {
			return nil, errors.New("filters: UpdatedAt: the poller sets UpdatedAt itself (from its checkpoint); leave it out")
		}
		names = append(names, name)
		attrs[name] = list
	}
	if len(names) > MaxPollAttributes {
		return nil, fmt.Errorf("filters: %d attributes; GetFindings takes %d and the poller adds UpdatedAt, so at most %d",
			len(names), MaxFilterAttributes, MaxPollAttributes)
	}
	sort.Strings(names)
	// chunks[i] are the lists attribute names[i] is split into.
	chunks := make([][][]json.RawMessage, len(names))
	total := 1
	for i, name := range names {
		list := attrs[name]
		if len(list) <= MaxFilterValues {
			chunks[i] = [][]json.RawMessage{list}
			continue
		}
		if err := splittable(name, list); err != nil {
			return nil, err
		}
		for start := 0; start < len(list); start += MaxFilterValues {
			chunks[i] = append(chunks[i], list[start:min(start+MaxFilterValues, len(list))])
		}
		total *= len(chunks[i])
		if total > MaxPollQueries {
			return nil, fmt.Errorf("filters: the long filter lists (%s) need more than %d GetFindings queries; use fewer values or PREFIX filters",
				strings.Join(longLists(names, attrs), ", "), MaxPollQueries)
		}
	}
	var out []query
	pick := make([]int, len(names))
	for {
		q := query{attrs: map[string][]json.RawMessage{}}
		for i, name := range names {
			q.attrs[name] = chunks[i][pick[i]]
		}
		body, err := json.Marshal(q.attrs)
		if err != nil {
			return nil, fmt.Errorf("filters: %w", err)
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&q.filters); err != nil {
			return nil, fmt.Errorf("filters: %w", err)
		}
		out = append(out, q)
		// Next combination, the last attribute fastest.
		i := len(names) - 1
		for ; i >= 0; i-- {
			pick[i]++
			if pick[i] < len(chunks[i]) {
				break
			}
			pick[i] = 0
		}
		if i < 0 {
			return out, nil
		}
	}
}

// splittable reports why a list of more than MaxFilterValues filters cannot
// be sent as several shorter lists, or nil when it can.
func splittable(name string, list []json.RawMessage) error {
	key := ""
	for i, el := range list {
		var f struct {
			Comparison *string
			Key        *string
		}
		if err := json.Unmarshal(el, &f); err != nil {
			return fmt.Errorf("filters: %s[%d]: want a filter object", name, i)
		}
		if f.Comparison != nil {
			switch *f.Comparison {
			case "EQUALS", "PREFIX", "CONTAINS":
			default:
				return fmt.Errorf("filters: %s: %d filters, more than the %d one GetFindings call takes, and %s[%d] is %s: "+
					"only a list of EQUALS, PREFIX or CONTAINS filters (which are OR'ed) can be split into several queries",
					name, len(list), MaxFilterValues, name, i, *f.Comparison)
			}
		}
		if f.Key != nil {
			if i > 0 && *f.Key != key {
				return fmt.Errorf("filters: %s: %d filters on more than one Key, more than the %d one GetFindings call takes: "+
					"only filters on one Key (which are OR'ed) can be split into several queries", name, len(list), MaxFilterValues)
			}
			key = *f.Key
		}
	}
	return nil
}

// longLists names the attributes with more than MaxFilterValues filters.
func longLists(names []string, attrs map[string][]json.RawMessage) []string {
	var out []string
	for _, n := range names {
		if len(attrs[n]) > MaxFilterValues {
			out = append(out, fmt.Sprintf("%s: %d", n, len(attrs[n])))
		}
	}
	return out
}
