package finding

import (
	"bytes"
	"fmt"
	"strconv"
)

// readASFF fills a from the finding raw, whose top-level members are ms
// (offsets relative to raw). raw has already been accepted by the scanner,
// so only the attributes asffFinding keeps are read, and every other
// value is skipped without being decoded: this is about five times faster
// than encoding/json, which decodes every value it meets (a finding's
// Resources[].Details, Note, Action and the like are most of its bytes).
//
// It reads as encoding/json would, with one difference: keys match
// exactly, as they do in Security Hub and in EventBridge patterns
// ("severity" is not Severity). Otherwise: null leaves an attribute
// unset; when a key repeats, its last value wins (maps merge); a value of
// the wrong JSON type is an error naming the attribute ("Severity.Label
// is a number, want a string") at the offset where the value starts,
// the first such value in document order.
func readASFF(raw []byte, ms []member, a *asffFinding) *fieldError {
	r := asffReader{data: raw}
	for _, m := range ms {
		v := m.value
		switch string(m.exact()) {
		case "Id":
			r.str(v, "Id", &a.Id)
		case "ProductArn":
			r.str(v, "ProductArn", &a.ProductArn)
		case "ProductName":
			r.str(v, "ProductName", &a.ProductName)
		case "CompanyName":
			r.str(v, "CompanyName", &a.CompanyName)
		case "GeneratorId":
			r.str(v, "GeneratorId", &a.GeneratorId)
		case "AwsAccountId":
			r.str(v, "AwsAccountId", &a.AwsAccountId)
		case "Region":
			r.str(v, "Region", &a.Region)
		case "Title":
			r.str(v, "Title", &a.Title)
		case "Description":
			r.str(v, "Description", &a.Description)
		case "WorkflowState":
			r.str(v, "WorkflowState", &a.WorkflowState)
		case "RecordState":
			r.str(v, "RecordState", &a.RecordState)
		case "CreatedAt":
			r.str(v, "CreatedAt", &a.CreatedAt)
		case "UpdatedAt":
			r.str(v, "UpdatedAt", &a.UpdatedAt)
		case "FirstObservedAt":
			r.str(v, "FirstObservedAt", &a.FirstObservedAt)
		case "LastObservedAt":
			r.str(v, "LastObservedAt", &a.LastObservedAt)
		case "Types":
			r.strs(v, "Types", &a.Types)
		case "ProductFields":
			r.strMap(v, "ProductFields", &a.ProductFields, keptProductField)
		case "Severity":
			r.object(v, "Severity", func(m member) {
				switch string(m.exact()) {
				case "Label":
					r.str(m.value, "Severity.Label", &a.Severity.Label)
				case "Normalized":
					r.number(m.value, "Severity.Normalized", &a.Severity.Normalized)
				}
			}, func() { ensure(&a.Severity) })
		case "FindingProviderFields":
			r.object(v, "FindingProviderFields", func(m member) {
				switch string(m.exact()) {
				case "Severity":
					r.object(m.value, "FindingProviderFields.Severity", func(m member) {
						if string(m.exact()) == "Label" {
							r.str(m.value, "FindingProviderFields.Severity.Label", &a.FindingProviderFields.Severity.Label)
						}
					}, func() { ensure(&a.FindingProviderFields.Severity) })
				case "Types":
					r.strs(m.value, "FindingProviderFields.Types", &a.FindingProviderFields.Types)
				}
			}, func() { ensure(&a.FindingProviderFields) })
		case "Resources":
			if raw[v.start] == '[' {
				a.Resources = reset(a.Resources)
			}
			r.array(v, "Resources", func(_ int, el span) {
				a.Resources = append(a.Resources, asffResource{})
				res := &a.Resources[len(a.Resources)-1]
				r.object(el, "Resources", func(m member) {
					switch string(m.exact()) {
					case "Type":
						r.str(m.value, "Resources.Type", &res.Type)
					case "Id":
						r.str(m.value, "Resources.Id", &res.Id)
					case "Partition":
						r.str(m.value, "Resources.Partition", &res.Partition)
					case "Region":
						r.str(m.value, "Resources.Region", &res.Region)
					case "Tags":
						r.strMap(m.value, "Resources.Tags", &res.Tags, nil)
					}
				}, nil)
			})
		case "Compliance":
			r.object(v, "Compliance", func(m member) {
				c := a.Compliance
				switch string(m.exact()) {
				case "Status":
					r.str(m.value, "Compliance.Status", &c.Status)
				case "SecurityControlId":
					r.str(m.value, "Compliance.SecurityControlId", &c.SecurityControlId)
				case "RelatedRequirements":
					r.strs(m.value, "Compliance.RelatedRequirements", &c.RelatedRequirements)
				case "AssociatedStandards":
					if raw[m.value.start] == '[' {
						c.AssociatedStandards = reset(c.AssociatedStandards)
					}
					r.array(m.value, "Compliance.AssociatedStandards", func(_ int, el span) {
						var id string
						r.object(el, "Compliance.AssociatedStandards", func(m member) {
							if string(m.exact()) == "StandardsId" {
								r.str(m.value, "Compliance.AssociatedStandards.StandardsId", &id)
							}
						}, nil)
						c.AssociatedStandards = append(c.AssociatedStandards, struct{ StandardsId string }{id})
					})
				}
			}, func() { ensure(&a.Compliance) })
		case "Workflow":
			r.object(v, "Workflow", func(m member) {
				if string(m.exact()) == "Status" {
					r.str(m.value, "Workflow.Status", &a.Workflow.Status)
				}
			}, func() { ensure(&a.Workflow) })
		case "Remediation":
			r.object(v, "Remediation", func(m member) {
				if string(m.exact()) != "Recommendation" {
					return
				}
				r.object(m.value, "Remediation.Recommendation", func(m member) {
					rec := a.Remediation.Recommendation
					switch string(m.exact()) {
					case "Text":
						r.str(m.value, "Remediation.Recommendation.Text", &rec.Text)
					case "Url":
						r.str(m.value, "Remediation.Recommendation.Url", &rec.Url)
					}
				}, func() { ensure(&a.Remediation.Recommendation) })
			}, func() { ensure(&a.Remediation) })
		}
		if r.err != nil {
			return r.err
		}
	}
	return nil
}

// asffReader reads typed values out of JSON the scanner has accepted and
// keeps the first type error.
type asffReader struct {
	data []byte
	err  *fieldError
}

// ensure allocates *p if it is nil (a struct attribute met for the first
// time; a repeated one is decoded into the same value, as encoding/json
// does).
func ensure[T any](p **T) {
	if *p == nil {
		*p = new(T)
	}
}

// reset empties a slice an array is read into: [] gives an empty slice,
// not nil, as in encoding/json.
func reset[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s[:0]
}

// mismatch records that the value at v is not of the wanted JSON type.
func (r *asffReader) mismatch(v span, field, want string) {
	if r.err != nil {
		return
	}
	r.err = &fieldError{off: v.start, msg: fmt.Sprintf("%s is %s, want %s", field, article(jsonValueKind(r.data[v.start])), want)}
}

// jsonValueKind names a value's JSON type as encoding/json's type errors
// do ("bool", not "boolean").
func jsonValueKind(c byte) string {
	switch c {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	default:
		return "number"
	}
}

func (r *asffReader) str(v span, field string, into *string) {
	switch r.data[v.start] {
	case '"':
		*into = unquote(r.data, v)
	case 'n':
	default:
		r.mismatch(v, field, "a string")
	}
}

func (r *asffReader) number(v span, field string, into **float64) {
	switch c := r.data[v.start]; {
	case c == 'n':
	case c == '-' || c >= '0' && c <= '9':
		lit := string(r.data[v.start:v.end])
		f, err := strconv.ParseFloat(lit, 64)
		if err != nil {
			if r.err == nil {
				r.err = &fieldError{off: v.start, msg: fmt.Sprintf("%s is the number %s, want a number", field, lit)}
			}
			return
		}
		*into = &f
	default:
		r.mismatch(v, field, "a number")
	}
}

// object calls each for every member of the object at v, after start (if
// not nil) has run; null does nothing.
func (r *asffReader) object(v span, field string, each func(member), start func()) {
	switch r.data[v.start] {
	case '{':
		if start != nil {
			start()
		}
		eachMember(r.data, v, func(m member) bool {
			each(m)
			return r.err == nil
		})
	case 'n':
	default:
		r.mismatch(v, field, "an object")
	}
}

// array calls each for every element of the array at v, with its index;
// null does nothing.
func (r *asffReader) array(v span, field string, each func(int, span)) {
	switch r.data[v.start] {
	case '[':
		eachElement(r.data, v, func(k int, el span) bool {
			each(k, el)
			return r.err == nil
		})
	case 'n':
	default:
		r.mismatch(v, field, "an array")
	}
}

func (r *asffReader) strs(v span, field string, into *[]string) {
	if r.data[v.start] == '[' {
		*into = reset(*into)
	}
	r.array(v, field, func(_ int, el span) {
		var s string
		r.str(el, field, &s)
		*into = append(*into, s)
	})
}

// strMap reads an object of strings; only the values of the keys keep
// wants are kept (all when keep is nil), but every value must be a
// string or null.
func (r *asffReader) strMap(v span, field string, into *map[string]string, keep func(key []byte) bool) {
	r.object(v, field, func(m member) {
		switch r.data[m.value.start] {
		case '"', 'n':
			if keep != nil && !keep(m.key) {
				return
			}
			var s string
			r.str(m.value, field, &s)
			(*into)[m.name()] = s
		default:
			r.mismatch(m.value, field, "a string")
		}
	}, func() {
		if *into == nil {
			*into = map[string]string{}
		}
	})
}

// keptProductField reports whether decodeASFF reads the ProductFields key
// (its raw literal): the rest of ProductFields stays in Raw.
func keptProductField(key []byte) bool {
	switch string(key) {
	case productNameField, companyNameField, findingIDField, "StandardsArn", "StandardsGuideArn":
		return true
	}
	// A key written with escapes may still decode to a kept one.
	return bytes.IndexByte(key, '\\') >= 0
}
