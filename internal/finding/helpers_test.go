package finding

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// readFixture returns a file under testdata.
func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// fixtureFinding returns the finding object of a fixture file, whatever its
// shape, by walking it with encoding/json (independently of the decoder).
func fixtureFinding(t testing.TB, name string) []byte {
	t.Helper()
	var doc struct {
		Findings []json.RawMessage
		Detail   *struct{ Findings []json.RawMessage }
	}
	data := readFixture(t, name)
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	switch {
	case doc.Detail != nil:
		return doc.Detail.Findings[0]
	case doc.Findings != nil:
		return doc.Findings[0]
	}
	return bytes.TrimSpace(data)
}

// compact removes insignificant whitespace.
func compact(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		t.Fatalf("compact: %v", err)
	}
	return b.Bytes()
}

// decodeOne decodes data and requires exactly one item and no error.
func decodeOne(t testing.TB, source string, data []byte) Item {
	t.Helper()
	items, errs := Decode(source, data)
	if len(errs) != 0 || len(items) != 1 {
		t.Fatalf("Decode(%s): %d items, errors %v; want 1 item, no error", source, len(items), errs)
	}
	return items[0]
}

// exactMember returns the value of the last member of obj called exactly
// key (EventBridge compares keys case-sensitively; encoding/json does not).
func exactMember(t testing.TB, obj []byte, key string) json.RawMessage {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(obj))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object (%v): %.200s", err, obj)
	}
	var found json.RawMessage
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("bad object: %v", err)
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			t.Fatalf("bad object: %v", err)
		}
		if tok == key {
			found = value
		}
	}
	return found
}

// eventFindings returns detail.findings of an event.
func eventFindings(t testing.TB, event []byte) []json.RawMessage {
	t.Helper()
	var list []json.RawMessage
	if err := json.Unmarshal(exactMember(t, exactMember(t, event, "detail"), "findings"), &list); err != nil {
		t.Fatalf("detail.findings is not an array: %v\n%.300s", err, event)
	}
	return list
}

// sameFinding compares two findings field by field, times by instant and
// offset, and reports each difference.
func sameFinding(t *testing.T, got, want *Finding) {
	t.Helper()
	g, w := *got, *want
	g.Raw, w.Raw = nil, nil
	gt := []time.Time{g.CreatedAt, g.UpdatedAt, g.FirstObservedAt, g.LastObservedAt}
	wt := []time.Time{w.CreatedAt, w.UpdatedAt, w.FirstObservedAt, w.LastObservedAt}
	names := []string{"CreatedAt", "UpdatedAt", "FirstObservedAt", "LastObservedAt"}
	for k := range gt {
		_, goff := gt[k].Zone()
		_, woff := wt[k].Zone()
		if !gt[k].Equal(wt[k]) || goff != woff {
			t.Errorf("%s = %v, want %v", names[k], gt[k], wt[k])
		}
	}
	g.CreatedAt, g.UpdatedAt, g.FirstObservedAt, g.LastObservedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	w.CreatedAt, w.UpdatedAt, w.FirstObservedAt, w.LastObservedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	gv, wv := reflect.ValueOf(g), reflect.ValueOf(w)
	for k := 0; k < gv.NumField(); k++ {
		if !reflect.DeepEqual(gv.Field(k).Interface(), wv.Field(k).Interface()) {
			t.Errorf("%s = %#v\nwant %#v", gv.Type().Field(k).Name, gv.Field(k).Interface(), wv.Field(k).Interface())
		}
	}
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}
