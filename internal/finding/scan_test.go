package finding

import (
	"encoding/json"
	"strings"
	"testing"
)

// scanWhole reports whether data is exactly one JSON value (with optional
// surrounding whitespace) according to valueEnd.
func scanWhole(data []byte) bool {
	i := skipSpace(data, 0)
	if i == len(data) {
		return false
	}
	end, err := valueEnd(data, i)
	return err == nil && skipSpace(data, end) == len(data)
}

// TestValueEndAgreesWithEncodingJSON compares the scanner with json.Valid on
// tricky inputs.
func TestValueEndAgreesWithEncodingJSON(t *testing.T) {
	inputs := []string{
		`{}`, `[]`, `""`, `0`, `-0`, `1.5e-3`, `true`, `false`, `null`, ` {"a" : [1, 2, {"b": null}] } `,
		`"\u00e9\n\t\"\\\/"`, "\"\xff\xfe\"", `"é"`, `[1,]`, `{"a":1,}`, `{,}`, `[,1]`, `01`, `1.`, `.5`, `-`, `1e`, `1e+`,
		`+1`, `tru`, `nul`, `"\x"`, `"\u12g4"`, "\"a\nb\"", `{"a" 1}`, `{1:2}`, `[1 2]`, `{"a":1}}`, `]`, `}`, ``,
		`"unterminated`, `{"a":`, `[[[[`, strings.Repeat("[", 100) + strings.Repeat("]", 100), `1 2`, `{"a":tRue}`, `NaN`,
	}
	for _, in := range inputs {
		t.Run(in, func(t *testing.T) {
			if got, want := scanWhole([]byte(in)), json.Valid([]byte(in)); got != want {
				t.Errorf("valueEnd accepts %q = %v, json.Valid = %v", in, got, want)
			}
		})
	}
}

// TestValueEndErrorOffsets: errors point at the offending byte.
func TestValueEndErrorOffsets(t *testing.T) {
	tests := []struct {
		in      string
		off     int
		msgPart string
		eof     bool
	}{
		{`{"a":}`, 5, "invalid character '}' looking for beginning of value", false},
		{`{"a" 1}`, 5, "invalid character '1' after object key", false},
		{`[1 2]`, 3, "invalid character '2' after array element", false},
		{`{"a":1 "b"}`, 7, "after object key:value pair", false},
		{"\"a\x01\"", 2, "invalid control character 0x01 in string literal", false},
		{`"\q"`, 2, `invalid character 'q' in string escape code`, false},
		{`[1.x]`, 3, "after decimal point", false},
		{`{"a":[1,2`, 9, "unexpected end of input", true},
		{`{1:2}`, 1, "looking for beginning of object key string", false},
		{strings.Repeat("[", maxNesting+1), maxNesting, "nesting deeper than 10000 levels", false},
	}
	for _, tt := range tests {
		t.Run(tt.in[:min(len(tt.in), 20)], func(t *testing.T) {
			_, err := valueEnd([]byte(tt.in), 0)
			if err == nil {
				t.Fatal("no error")
			}
			if err.off != tt.off || !strings.Contains(err.msg, tt.msgPart) || err.eof != tt.eof {
				t.Errorf("error at %d %q (eof %v), want %d %q (eof %v)", err.off, err.msg, err.eof, tt.off, tt.msgPart, tt.eof)
			}
		})
	}
}

// FuzzValueEnd checks the scanner against encoding/json on arbitrary input.
func FuzzValueEnd(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":"c\u00e9"}]}`, `[1,]`, `"\ud800"`, `-0.0e+1`, `{"a":1}{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := scanWhole(data), json.Valid(data); got != want {
			t.Fatalf("valueEnd accepts %q = %v, json.Valid = %v", data, got, want)
		}
		// The walker must agree with the scanner on every valid container.
		if json.Valid(data) {
			i := skipSpace(data, 0)
			end, _ := valueEnd(data, i)
			if skipValue(data, i) != end {
				t.Fatalf("skipValue ends at %d, valueEnd at %d", skipValue(data, i), end)
			}
		}
	})
}
