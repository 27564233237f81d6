package finding

import "strconv"

// event decodes an EventBridge event: each element of detail.findings becomes
// an item whose event holds that finding alone.
func (d *decoder) event(obj span, ms []member, path string) {
	at := prefix(path)
	raw := d.data[obj.start:obj.end]
	if size := compactSize(raw, MaxEventSize); size > MaxEventSize {
		d.fail(obj.start, problemf(ErrTooLarge, "%sEventBridge event of %d bytes is over the %d-byte (1 MiB) event limit", at, size, MaxEventSize))
		return
	}
	if v, ok := lookup(ms, "detail-type"); ok && d.data[v.start] != '"' {
		d.fail(v.start, problemf(ErrNotFinding, "%sdetail-type is a JSON %s, want a string", at, kindOf(d.data, v.start)))
		return
	}
	detail, ok := lookup(ms, "detail")
	if !ok {
		d.fail(obj.start, problemf(ErrNotFinding, "%sevent has no detail", at))
		return
	}
	if d.data[detail.start] != '{' {
		d.fail(detail.start, problemf(ErrNotFinding, "%sdetail is a JSON %s, want an object", at, kindOf(d.data, detail.start)))
		return
	}
	dms := members(d.data, detail)
	list, ok := lookup(dms, "findings")
	if !ok {
		d.fail(detail.start, problemf(ErrNotFinding, "%sevent has no detail.findings (detail-type %s carries no findings)", at, d.stringOr(ms, "detail-type", "(none)")))
		return
	}
	if d.data[list.start] != '[' {
		d.fail(list.start, problemf(ErrNotFinding, "%sdetail.findings is a JSON %s, want an array", at, kindOf(d.data, list.start)))
		return
	}
	actionName := ""
	if v, ok := lookup(dms, "actionName"); ok {
		if d.data[v.start] != '"' {
			d.fail(v.start, problemf(ErrNotFinding, "%sdetail.actionName is a JSON %s, want a string", at, kindOf(d.data, v.start)))
			return
		}
		actionName = d.unquote(v)
	}
	els := elements(d.data, list)
	if len(els) == 0 {
		d.fail(list.start, problemf(ErrNotFinding, "%sevent has no findings: detail.findings is empty", at))
		return
	}
	for k, el := range els {
		fpath := path + dot(path) + "detail.findings[" + strconv.Itoa(k) + "]"
		event := raw
		if len(els) > 1 {
			event = splice(d.data, obj, list, el)
		}
		d.findingElement(el, fpath, event, actionName)
	}
}

// splice returns the event obj with its detail.findings array (list) holding
// only the finding el; every other byte is kept.
func splice(data []byte, obj, list, el span) []byte {
	b := make([]byte, 0, (list.start-obj.start)+(el.end-el.start)+(obj.end-list.end)+2)
	b = append(b, data[obj.start:list.start]...)
	b = append(b, '[')
	b = append(b, data[el.start:el.end]...)
	b = append(b, ']')
	return append(b, data[list.end:obj.end]...)
}
