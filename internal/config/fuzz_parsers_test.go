package config

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzJSONText checks the position-keeping JSON reader against encoding/json:
// it accepts exactly the valid documents (up to its nesting limit), re-encodes
// them to the same value (a duplicate key keeping its last value, as
// encoding/json does), and reports errors at offsets inside the text.
func FuzzJSONText(f *testing.F) {
	for _, seed := range []string{
		`{"source": ["aws.securityhub"], "detail": {"findings": {"Severity": {"Label": ["CRITICAL", "HIGH"]}}}}`,
		`{"detail": {"findings": {"Severity": {"Normalized": [{"numeric": [">=", 70, "<", 1e2]}]}, "Note": [null, true]}}}`,
		`{"a": "\u00e9\n\"\\\/", "b": -0.5E+3}`,
		`{"a": 1, "a": 2}`,
		`{"a": [1, }`,
		`[1, 2] x`,
		``,
		`"just a string"`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		v, duplicates, err := jsonFromText(text, func(off int) Position {
			if off < 0 || off > len(text) {
				t.Fatalf("offset %d outside a text of %d bytes", off, len(text))
			}
			return Position{File: "f", Line: 1, Column: off + 1}
		})
		valid := json.Valid([]byte(text))
		if err != nil {
			te, ok := err.(*jsonTextError)
			if !ok || te.offset < 0 || te.offset > len(text) {
				t.Fatalf("error %#v has no offset inside the text", err)
			}
			if valid && !strings.HasPrefix(te.msg, "nested more") {
				t.Fatalf("valid JSON refused: %v", err)
			}
			return
		}
		if !valid {
			t.Fatalf("invalid JSON accepted: %q", text)
		}
		for _, d := range duplicates {
			if d.first.Column >= d.at.Column {
				t.Fatalf("duplicate %+v: the first key is not before the last", d)
			}
		}
		var want, got any
		if err := json.Unmarshal([]byte(text), &want); err != nil {
			t.Fatal(err)
		}
		out := v.appendJSON(nil)
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("re-encoded JSON %s does not parse: %v", out, err)
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("re-encoded %s, want the value of %s", out, text)
		}
	})
}

// FuzzParseDuration checks that durations never come out negative and agree
// with time.ParseDuration where Go's syntax applies.
func FuzzParseDuration(f *testing.F) {
	for _, seed := range []string{"30s", "5m", "1h30m", "1d", "2w3d4h", "1.5h", "-1s", "1d-1h", "9999999999999w", "", "d", "1x"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDuration(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("parseDuration(%q) = %v, negative", s, d)
		}
		if !strings.ContainsAny(s, "dw") {
			if want, err := time.ParseDuration(s); err != nil || want != d {
				t.Fatalf("parseDuration(%q) = %v, time.ParseDuration = %v, %v", s, d, want, err)
			}
		}
	})
}

// FuzzMaskReferences checks that masking keeps every byte offset (same
// length, same line breaks) and that restoring gives the original text back.
func FuzzMaskReferences(f *testing.F) {
	for _, seed := range []string{
		"sources:\n  http: {path: /events, api_key: ${env:HUBRELAY_INGEST_KEY}}\n",
		"a: ${file:secrets/x} $${env:B} ${env:} ${vault:x} ${env:A\n",
		"k: zqaa0___ ${env:ABCDEFG}\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		masked, m := maskReferences(data)
		if len(masked) != len(data) {
			t.Fatalf("masked length %d, want %d", len(masked), len(data))
		}
		for i := range data {
			if (data[i] == '\n') != (masked[i] == '\n') || (data[i] == '\r') != (masked[i] == '\r') {
				t.Fatalf("line break moved at %d", i)
			}
		}
		if got := m.restore(string(masked)); got != string(data) {
			t.Fatalf("restore(mask(%q)) = %q", data, got)
		}
	})
}
