package pattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
)

// The limits one GetFindings call puts on its Filters. FromFilters accepts
// bigger filters (a route is not an API call); FilterLimits measures filters
// so that callers sending them to the API can split or refuse them.
const (
	// MaxFilterAttributes is the most attributes one GetFindings call
	// filters on.
	MaxFilterAttributes = 10
	// MaxFilterValues is the most filters one attribute takes in one call.
	MaxFilterValues = 20
)

// FromFilters compiles Security Hub finding filters (AwsSecurityFindingFilters
// JSON, as in GetFindings Filters, insights and automation rules) into a
// Pattern that matches the EventBridge event of a finding, the finding being
// detail.findings[0]. The input may be the filters object or a whole
// GetFindings request ({"Filters": {...}}). Nothing is required of the
// event's source or detail-type. Config loading and the router call it once
// per route; the returned Pattern is safe for concurrent use, and FromFilters
// itself may be called from any goroutine.
//
// Semantics (what the Security Hub documentation says, and what this
// compiler decided where it says nothing):
//   - Attributes are AND'ed. Each of the API's attributes reads one ASFF
//     field (the table in filters_attributes.go: ComplianceStatus is
//     Compliance.Status, ResourceType is Resources[].Type, Type is Types[],
//     ...). Arrays in the finding are looked through, so ResourceType tests
//     the Type of every resource.
//   - StringFilter: EQUALS, PREFIX and CONTAINS filters on one attribute are
//     OR'ed; NOT_EQUALS, PREFIX_NOT_EQUALS and NOT_CONTAINS are AND'ed; the
//     attribute matches when (there is no positive filter or one matches)
//     and every negative filter holds. Values are case-sensitive. The mixes
//     the API rejects are errors: CONTAINS or NOT_CONTAINS with any other
//     operator, EQUALS with NOT_EQUALS or PREFIX_NOT_EQUALS.
//   - A negative filter holds when the finding has no such field ("absent is
//     not equal"). On a field with several values (Types, Resources[].Type)
//     the pattern language tests each value: a negative filter holds when
//     at least one value passes it, as EventBridge's anything-but does, and
//     positive and negative filters of one attribute must hold on the same
//     value. Conditions on fields of one array element (ResourceType and
//     ResourceTags, say) must hold on the same element, as the engine's
//     array-consistent matching requires.
//   - ProductName and CompanyName are matched against both the top-level
//     field (which the console uses) and ProductFields
//     "aws/securityhub/ProductName" / "aws/securityhub/CompanyName" (which
//     the API uses): a positive filter matches either, a negative filter
//     must hold for both.
//   - MapFilter (ProductFields, ResourceTags, UserDefinedFields,
//     ResourceDetailsOther): each Key is a field of its own, grouped like a
//     StringFilter attribute (EQUALS and CONTAINS OR'ed, NOT_EQUALS and
//     NOT_CONTAINS AND'ed, the same invalid mixes); different keys are
//     AND'ed. Keys are literal, '/' included.
//   - NumberFilter: the members of one filter form a range (AND); filters in
//     the list are OR'ed. An empty range is an error.
//   - DateFilter: Start and End are inclusive and may be given alone;
//     DateRange WITHIN N DAYS is now-N days <= t <= now, OLDER_THAN N DAYS is
//     t < now-N days; members of one filter are AND'ed, filters OR'ed.
//   - BooleanFilter: a missing field counts as false.
//   - IpFilter: a CIDR block, or a bare address as a /32 or /128.
//   - KeywordFilter (Keyword, deprecated): rejected with an error.
//   - Empty filters match every finding. An attribute given as null or as an
//     empty list adds no condition.
//   - Filters may exceed the API's limits (MaxFilterAttributes,
//     MaxFilterValues). They may not expand to more alternatives than the
//     engine takes (4096): every attribute mixing PREFIX with a negative
//     filter doubles them, as do positive ProductName and CompanyName
//     filters (either of two fields).
//
// Every error is an *Error whose Path leads from the root of the input
// (including "Filters" when a GetFindings request was given) to the
// offending value, for example ["SeverityLabel", 2, "Comparison"].
func FromFilters(filters []byte) (*Pattern, error) {
	pat, err := FiltersToPattern(filters)
	if err != nil {
		return nil, err
	}
	p, err := compileExt(pat, true)
	if err != nil {
		// The translation emits only valid operators and checks the
		// engine's expansion bound itself, so this is a bug.
		msg := err.Error()
		var pe *Error
		if errors.As(err, &pe) {
			msg = pe.Msg
		}
		return nil, &Error{Msg: "internal error: the pattern built from these filters does not compile: " + msg}
	}
	return p, nil
}

// FiltersToPattern returns the pattern JSON that FromFilters compiles: an
// EventBridge pattern rooted at the event ({"detail":{"findings":{...}}}),
// which may use the private "hubrelay-date" operator for DateFilters and so
// compiles only through FromFilters. It is for tests, `hubrelay validate`
// and documentation. Output is deterministic for a given input. Safe for
// concurrent use.
func FiltersToPattern(filters []byte) ([]byte, error) {
	parsed, err := parseFilters(filters)
	if err != nil {
		return nil, err
	}
	var finding map[string]any
	if len(parsed.conds) == 0 {
		// Every ASFF finding has an Id.
		finding = map[string]any{"Id": []any{map[string]any{"exists": true}}}
	} else {
		finding = renderFindingPattern(allOf(parsed.conds))
	}
	pattern := map[string]any{"detail": map[string]any{"findings": finding}}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(pattern); err != nil {
		return nil, &Error{Msg: "internal error: encoding the pattern: " + err.Error()}
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// FilterLimits checks filters as FromFilters does and reports how many
// attributes they set (null ones not counted) and the longest filter list of
// any attribute, to compare with MaxFilterAttributes and MaxFilterValues
// before the filters are sent to GetFindings. The error is the one
// FromFilters would return. Safe for concurrent use.
func FilterLimits(filters []byte) (attributes int, maxValues int, err error) {
	parsed, err := parseFilters(filters)
	if err != nil {
		return 0, 0, err
	}
	return parsed.attributes, parsed.maxValues, nil
}

// parsedFilters is validated filter input: one condition per attribute
// that constrains anything, in attribute-name order, and its size.
type parsedFilters struct {
	conds      []cond
	attributes int
	maxValues  int
}

// getFindingsRequestMembers are the members of a GetFindings request body;
// only Filters matters here.
var getFindingsRequestMembers = []string{"Filters", "MaxResults", "NextToken", "SortCriteria"}

func parseFilters(data []byte) (*parsedFilters, error) {
	root, err := decodeFiltersJSON(data)
	if err != nil {
		return nil, err
	}
	var path []any
	if obj, ok := root.(map[string]any); ok {
		if _, wrapped := obj["Filters"]; wrapped {
			if _, err := object(obj, nil, "a GetFindings request", getFindingsRequestMembers...); err != nil {
				return nil, err
			}
			root, path = obj["Filters"], []any{"Filters"}
			if root == nil {
				return &parsedFilters{}, nil
			}
		}
	}
	obj, ok := root.(map[string]any)
	if !ok {
		return nil, errAt(path, "the filters must be an object of finding attributes (AwsSecurityFindingFilters), got %s", jsonType(root))
	}
	names := make([]string, 0, len(obj))
	for name := range obj {
		names = append(names, name)
	}
	slices.Sort(names)
	parsed := &parsedFilters{}
	for _, name := range names {
		attrPath := at(path, name)
		def, known := filterAttributes[name]
		if !known {
			return nil, errAt(attrPath, "unknown filter attribute %s%s", quoteInput(name), didYouMean(suggestAttribute(name)))
		}
		v := obj[name]
		if v == nil {
			continue
		}
		list, isList := v.([]any)
		if !isList {
			return nil, errAt(attrPath, "%s must be a list of %ss, got %s", name, def.kind, jsonType(v))
		}
		parsed.attributes++
		parsed.maxValues = max(parsed.maxValues, len(list))
		if len(list) == 0 {
			continue
		}
		c, err := attributeCond(def, list, attrPath)
		if err != nil {
			return nil, err
		}
		parsed.conds = append(parsed.conds, c)
		if clauseCount(allOf(parsed.conds), maxClauses) > maxClauses {
			return nil, errAt(attrPath, "these filters expand to more than %d alternatives in the pattern language "+
				"(each attribute that mixes PREFIX with NOT_EQUALS or PREFIX_NOT_EQUALS doubles them, as do positive ProductName and CompanyName filters); "+
				"split them into several routes", maxClauses)
		}
	}
	return parsed, nil
}

// attributeCond validates one attribute's filter list and returns its
// condition.
func attributeCond(def filterAttribute, list []any, path []any) (cond, error) {
	switch def.kind {
	case stringFilter:
		return stringFilterCond(list, path, def)
	case numberFilter:
		return numberFilterCond(list, path, def)
	case dateFilter:
		return dateFilterCond(list, path, def)
	case mapFilter:
		return mapFilterCond(list, path, def)
	case booleanFilter:
		return booleanFilterCond(list, path, def)
	case ipFilter:
		return ipFilterCond(list, path, def)
	default:
		return keywordFilterCond(list, path, def)
	}
}
