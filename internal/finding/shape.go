package finding

import "strconv"

// notFindingMessage explains how the shapes are recognized.
const notFindingMessage = "not a Security Hub finding: no SchemaVersion or Id (ASFF), " +
	"no metadata with finding_info or class_uid (OCSF), " +
	"and not an EventBridge event (detail-type) or a GetFindings response (Findings)"

// document decodes one top-level JSON value.
func (d *decoder) document(doc span) {
	switch d.data[doc.start] {
	case '{':
		d.object(doc, "")
	case '[':
		for k, el := range elements(d.data, doc) {
			path := "[" + strconv.Itoa(k) + "]"
			if d.data[el.start] != '{' {
				d.fail(el.start, problemf(ErrNotFinding, "%s is a JSON %s, want an object (an event, a finding or a GetFindings response)", path, kindOf(d.data, el.start)))
				continue
			}
			d.object(el, path)
		}
	default:
		d.fail(doc.start, problemf(ErrNotFinding, "got a JSON %s, want an EventBridge event, a finding, a GetFindings response or an array of them", kindOf(d.data, doc.start)))
	}
}

// object decodes a JSON object that is an event, a GetFindings response or a
// bare finding; path locates it in its document ("" at the top).
func (d *decoder) object(obj span, path string) {
	ms := members(d.data, obj)
	switch {
	case has(ms, "detail-type") || has(ms, "detail"):
		d.event(obj, ms, path)
	case has(ms, "Findings"):
		d.response(ms, path)
	default:
		format := findingFormat(ms)
		if format == "" {
			d.fail(obj.start, problemf(ErrNotFinding, "%s%s", prefix(path), notFindingMessage))
			return
		}
		d.finding(obj, ms, format, path, nil, "")
	}
}

// findingFormat tells ASFF from OCSF by the object's top-level keys; "" when
// it is neither.
func findingFormat(ms []member) Format {
	switch {
	case has(ms, "SchemaVersion") || has(ms, "Id"):
		return FormatASFF
	case has(ms, "metadata") && (has(ms, "finding_info") || has(ms, "class_uid")),
		has(ms, "finding_info") && has(ms, "class_uid"):
		return FormatOCSF
	}
	return ""
}

// response decodes a GetFindings or GetFindingsV2 response; each finding is
// told apart as ASFF or OCSF by itself.
func (d *decoder) response(ms []member, path string) {
	list, _ := lookup(ms, "Findings")
	if d.data[list.start] != '[' {
		d.fail(list.start, problemf(ErrNotFinding, "%sFindings is a JSON %s, want an array", prefix(path), kindOf(d.data, list.start)))
		return
	}
	for k, el := range elements(d.data, list) {
		d.findingElement(el, path+dot(path)+"Findings["+strconv.Itoa(k)+"]", nil, "")
	}
}

// findingElement decodes an element of a findings array.
func (d *decoder) findingElement(el span, path string, event []byte, actionName string) {
	if d.data[el.start] != '{' {
		idx := d.count
		d.count++
		d.fail(el.start, problemf(ErrNotFinding, "finding %d (%s): got a JSON %s, want an object", idx, path, kindOf(d.data, el.start)))
		return
	}
	ms := members(d.data, el)
	d.finding(el, ms, findingFormat(ms), path, event, actionName)
}

// finding normalizes one finding object with top-level members ms. event is
// the EventBridge event it came in, or nil for a finding that needs the
// synthesized envelope.
func (d *decoder) finding(el span, ms []member, format Format, path string, event []byte, actionName string) {
	idx := d.count
	d.count++
	name := "finding " + strconv.Itoa(idx)
	if path != "" {
		name += " (" + path + ")"
	}
	if format == "" {
		d.fail(el.start, problemf(ErrNotFinding, "%s: %s", name, notFindingMessage))
		return
	}
	raw := d.data[el.start:el.end]
	if size := compactSize(raw, MaxFindingSize); size > MaxFindingSize {
		d.fail(el.start, problemf(ErrTooLarge, "%s%s: %d bytes, over the %d-byte (240 KB) limit for one finding", name, d.quotedID(ms, format), size, MaxFindingSize))
		return
	}
	f, resource, ferr := decodeFinding(format, raw, relative(ms, el.start))
	if ferr != nil {
		off := el.start
		if ferr.off >= 0 {
			off += ferr.off
		} else if v, ok := lookup(ms, ferr.field); ok && ferr.field != "" {
			off += v.start // ms are relative to the finding by now
		}
		d.fail(off, problemf(ErrNotFinding, "%s: %s", name, ferr.msg))
		return
	}
	f.ActionName = actionName
	if event == nil && !d.noEvents {
		event = envelope(f, resource)
	}
	d.items = append(d.items, Item{Finding: f, Event: event, Source: d.source, Line: d.lines.line(el.start), Index: idx})
}

// quotedID returns ` Id "…"` (or metadata.uid) for naming an oversized
// finding with top-level members ms.
func (d *decoder) quotedID(ms []member, format Format) string {
	key, field := "Id", "Id"
	if format == FormatOCSF {
		md, ok := lookup(ms, "metadata")
		if !ok || d.data[md.start] != '{' {
			return ""
		}
		ms, key, field = members(d.data, md), "uid", "metadata.uid"
	}
	v, ok := lookup(ms, key)
	if !ok || d.data[v.start] != '"' {
		return ""
	}
	return " " + field + " " + strconv.Quote(d.unquote(v))
}

// unquote decodes the valid JSON string literal at v.
func (d *decoder) unquote(v span) string { return unquote(d.data, v) }

// stringOr returns the member's string value quoted, or alt.
func (d *decoder) stringOr(ms []member, key, alt string) string {
	v, ok := lookup(ms, key)
	if !ok || d.data[v.start] != '"' {
		return alt
	}
	return strconv.Quote(d.unquote(v))
}

// prefix turns a document path into a message prefix.
func prefix(path string) string {
	if path == "" {
		return ""
	}
	return path + ": "
}

// dot separates path components ("[2]" + ".detail…"); nothing at the start.
func dot(path string) string {
	if path == "" {
		return ""
	}
	return "."
}
