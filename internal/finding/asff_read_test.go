package finding

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// decodeASFFWithEncodingJSON is how findings were read before readASFF:
// encoding/json into asffFinding, with the identity taken from the exact
// "Id" and "ProductArn" keys. readASFF is checked against it.
func decodeASFFWithEncodingJSON(raw []byte, ms []member) (*Finding, string, *fieldError) {
	var a asffFinding
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, "", describeUnmarshalError(raw, err)
	}
	a.Id, a.ProductArn = "", ""
	if v, ok := lookup(ms, "Id"); ok && raw[v.start] == '"' {
		a.Id = unquote(raw, v)
	}
	if v, ok := lookup(ms, "ProductArn"); ok && raw[v.start] == '"' {
		a.ProductArn = unquote(raw, v)
	}
	return normalizeASFF(&a, raw)
}

// asffFieldNames are the attribute names asffFinding and its parts
// declare, in every struct.
func asffFieldNames() map[string]bool {
	names := map[string]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map:
			walk(t.Elem())
		case reflect.Struct:
			for i := range t.NumField() {
				names[t.Field(i).Name] = true
				walk(t.Field(i).Type)
			}
		}
	}
	walk(reflect.TypeFor[asffFinding]())
	return names
}

// comparableWithEncodingJSON reports whether raw avoids the two places
// where readASFF differs from encoding/json on purpose or by detail: a
// key that matches an attribute only when case is ignored ("severity"),
// and a key that repeats in one object (encoding/json decodes the
// repeat into what the first left).
func comparableWithEncodingJSON(raw []byte, names map[string]bool) bool {
	ok := true
	var walk func(v span)
	walk = func(v span) {
		switch raw[v.start] {
		case '{':
			seen := map[string]bool{}
			eachMember(raw, v, func(m member) bool {
				name := m.name()
				if seen[name] {
					ok = false
				}
				seen[name] = true
				for n := range names {
					if n != name && strings.EqualFold(n, name) {
						ok = false
					}
				}
				walk(m.value)
				return ok
			})
		case '[':
			eachElement(raw, v, func(_ int, el span) bool {
				walk(el)
				return ok
			})
		}
	}
	walk(span{0, len(raw)})
	return ok
}

// asffSeeds are every ASFF fixture's finding and findings made to break
// each kind of attribute.
func asffSeeds(t testing.TB) [][]byte {
	files, err := filepath.Glob("testdata/asff/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	var out [][]byte
	for _, path := range files {
		name, _ := filepath.Rel("testdata", path)
		out = append(out, fixtureFinding(t, name))
	}
	for _, s := range []string{
		`{"Id":"a","Severity":{"Label":3}}`,
		`{"Id":"a","Severity":{"Normalized":"40"}}`,
		`{"Id":"a","Severity":{"Normalized":1e400}}`,
		`{"Id":"a","Severity":"HIGH"}`,
		`{"Id":"a","Types":["x",1]}`,
		`{"Id":"a","Types":"x"}`,
		`{"Id":"a","Types":null,"Resources":null,"Severity":null}`,
		`{"Id":"a","Resources":[{"Type":"T","Id":"r","Tags":{"k":"v","n":null}},null,{"Tags":{"k":1}}]}`,
		`{"Id":"a","Resources":["x"]}`,
		`{"Id":"a","ProductFields":{"aws/securityhub/ProductName":"P","other":true}}`,
		`{"Id":"a","ProductFields":{"aws\/securityhub\/CompanyName":"C","StandardsArn":"arn:s"}}`,
		`{"\u0049d":"escaped key","Title":"t\u00e9","Description":"\ud800"}`,
		`{"Id":"a","Compliance":{"Status":"FAILED","AssociatedStandards":[{"StandardsId":"s"},{"StandardsId":2}]}}`,
		`{"Id":"a","Compliance":{"RelatedRequirements":["r",null]},"Workflow":{"Status":false}}`,
		`{"Id":"a","Remediation":{"Recommendation":{"Text":"t","Url":["u"]}}}`,
		`{"Id":"a","FindingProviderFields":{"Severity":{"Label":"high"},"Types":["T"]}}`,
		`{"Id":"a","CreatedAt":"2024-01-04T15:25:10Z","UpdatedAt":5}`,
		`{"Id":"a","severity":{"Label":"HIGH"},"Id":"b"}`,
		`{"Id":7}`,
	} {
		out = append(out, []byte(s))
	}
	return out
}

// TestReadASFFAgreesWithEncodingJSON: every seed decodes to the same
// Finding, or fails with the same message at the same offset, as with
// encoding/json (where the two are meant to agree).
func TestReadASFFAgreesWithEncodingJSON(t *testing.T) {
	names := asffFieldNames()
	compared := 0
	for _, raw := range asffSeeds(t) {
		if compareASFFReaders(t, raw, names) {
			compared++
		}
	}
	if compared < 25 {
		t.Errorf("only %d seeds compared", compared)
	}
}

// compareASFFReaders decodes raw both ways and reports a difference; it
// returns false when raw is not a finding the two are meant to agree on.
func compareASFFReaders(t *testing.T, raw []byte, names map[string]bool) bool {
	t.Helper()
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return false
	}
	if end, err := valueEnd(raw, 0); err != nil || end != len(raw) || !comparableWithEncodingJSON(raw, names) {
		return false
	}
	ms := members(raw, span{0, len(raw)})
	got, gotRes, gotErr := decodeASFF(raw, ms)
	want, wantRes, wantErr := decodeASFFWithEncodingJSON(raw, ms)
	switch {
	case (gotErr == nil) != (wantErr == nil):
		t.Errorf("%s\nreadASFF error %v, encoding/json error %v", raw, gotErr, wantErr)
	case gotErr != nil:
		if gotErr.msg != wantErr.msg || gotErr.off != wantErr.off || gotErr.field != wantErr.field {
			t.Errorf("%s\nreadASFF error %q at %d (%q), encoding/json %q at %d (%q)", raw, gotErr.msg, gotErr.off, gotErr.field, wantErr.msg, wantErr.off, wantErr.field)
		}
	case !reflect.DeepEqual(got, want) || gotRes != wantRes:
		t.Errorf("%s\nreadASFF    %+v %q\nencoding/json %+v %q", raw, got, gotRes, want, wantRes)
	}
	return true
}

// FuzzReadASFF checks readASFF against encoding/json on mutated findings.
func FuzzReadASFF(f *testing.F) {
	for _, seed := range asffSeeds(f) {
		f.Add(seed)
	}
	names := asffFieldNames()
	f.Fuzz(func(t *testing.T, raw []byte) {
		compareASFFReaders(t, raw, names)
	})
}
