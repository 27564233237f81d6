package hubtest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// sortKind says how values of a sort field compare.
type sortKind uint8

const (
	sortString   sortKind = iota // byte-wise
	sortNumber                   // numerically
	sortDate                     // as instants (Security Hub timestamps)
	sortSeverity                 // INFORMATIONAL < LOW < MEDIUM < HIGH < CRITICAL
	sortAuto                     // numbers numerically, timestamps as instants, else strings (OCSF)
)

// sortField is a field findings can be sorted by.
type sortField struct {
	kind sortKind
	path []string
	// alt is read when path has no value (ProductName and CompanyName
	// live in ProductFields too).
	alt []string
}

// sortCriterion is one member of SortCriteria as the SDK sends it.
type sortCriterion struct {
	Field     *string `json:"Field"`
	SortOrder *string `json:"SortOrder"`
}

// sortSpec is a validated sort criterion.
type sortSpec struct {
	field sortField
	desc  bool
}

// parseSortCriteria validates SortCriteria. lookup resolves a field name
// (nil when unknown). The documented orders are "asc" and "desc"; a
// criterion without SortOrder sorts ascending (the reference names no
// default).
func parseSortCriteria(op string, criteria []sortCriterion, lookup func(string) *sortField) ([]sortSpec, *apiError) {
	v2 := isV2(op)
	specs := make([]sortSpec, 0, len(criteria))
	for i, c := range criteria {
		if c.Field == nil || *c.Field == "" {
			return nil, badRequest(v2, "%s: SortCriteria[%d].Field is required", op, i)
		}
		f := lookup(*c.Field)
		if f == nil {
			return nil, badRequest(v2, "%s: SortCriteria[%d].Field: %q is not a field findings can be sorted by", op, i, *c.Field)
		}
		desc := false
		if c.SortOrder != nil {
			switch *c.SortOrder {
			case "asc":
			case "desc":
				desc = true
			default:
				return nil, badRequest(v2, "%s: SortCriteria[%d].SortOrder must be \"asc\" or \"desc\", got %q", op, i, *c.SortOrder)
			}
		}
		specs = append(specs, sortSpec{field: *f, desc: desc})
	}
	return specs, nil
}

// sortKey reads the value a document sorts by for one field: the first
// value at the path (arrays looked through), else at alt; nil if none.
func sortKey(doc map[string]any, f sortField) any {
	if vs := values(doc, f.path); len(vs) > 0 {
		return vs[0]
	}
	if f.alt != nil {
		if vs := values(doc, f.alt); len(vs) > 0 {
			return vs[0]
		}
	}
	return nil
}

// sortDocs orders docs by the specs, then by seq (insertion order) so the
// order is total and stable across pages. Missing values sort last in
// either order.
func sortDocs[T any](items []T, specs []sortSpec, doc func(T) map[string]any, seq func(T) int64) {
	type keyed struct {
		item T
		keys []any
	}
	ks := make([]keyed, len(items))
	for i, it := range items {
		keys := make([]any, len(specs))
		for j, sp := range specs {
			keys[j] = normalizeSortValue(sortKey(doc(it), sp.field), sp.field.kind)
		}
		ks[i] = keyed{item: it, keys: keys}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int {
		for j, sp := range specs {
			x, y := a.keys[j], b.keys[j]
			switch {
			case x == nil && y == nil:
				continue
			case x == nil:
				return 1
			case y == nil:
				return -1
			}
			c := compareSortValues(x, y)
			if sp.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return cmp.Compare(seq(a.item), seq(b.item))
	})
	for i := range ks {
		items[i] = ks[i].item
	}
}

// sortValue is a normalized sort key: numbers before instants before
// strings when kinds mix (OCSF fields of mixed types).
type sortValue struct {
	rank int // 0 number, 1 time, 2 string
	num  float64
	t    time.Time
	str  string
}

func normalizeSortValue(v any, kind sortKind) any {
	if v == nil {
		return nil
	}
	s := scalarString(v)
	switch kind {
	case sortNumber:
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return sortValue{rank: 0, num: f}
		}
	case sortDate:
		if t, err := parseTimestamp(s); err == nil {
			return sortValue{rank: 1, t: t}
		}
	case sortSeverity:
		if i := slices.Index(severityLabels(), s); i >= 0 {
			return sortValue{rank: 0, num: float64(i)}
		}
	case sortAuto:
		if _, isNum := v.(json.Number); isNum {
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				return sortValue{rank: 0, num: f}
			}
		}
		if t, err := parseTimestamp(s); err == nil {
			return sortValue{rank: 1, t: t}
		}
	}
	return sortValue{rank: 2, str: s}
}

func compareSortValues(a, b any) int {
	x, y := a.(sortValue), b.(sortValue)
	if x.rank != y.rank {
		return cmp.Compare(x.rank, y.rank)
	}
	switch x.rank {
	case 0:
		return cmp.Compare(x.num, y.num)
	case 1:
		return x.t.Compare(y.t)
	}
	return strings.Compare(x.str, y.str)
}

// scalarString renders a decoded JSON scalar as text (objects and arrays
// as their JSON).
func scalarString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case json.Number:
		return t.String()
	case bool:
		return strconv.FormatBool(t)
	default:
		b, err := json.Marshal(t)
		if err != nil {
			return fmt.Sprint(t)
		}
		return string(b)
	}
}
