package finding

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"
)

type wantError struct {
	line, col int
	contains  string
	kind      error
}

// TestDecodeErrors: each bad part gives one error at its position, and the
// good parts around it still decode.
func TestDecodeErrors(t *testing.T) {
	good := string(compact(t, fixtureFinding(t, asffBare)))
	goodID := idOf(t, asffBare)
	event := string(compact(t, readFixture(t, asffImported)))
	minimal := func(extra string) string { return `{"SchemaVersion":"2018-10-08","Id":"f-1"` + extra + `}` }
	tests := []struct {
		name      string
		input     string
		wantItems []string // Finding.ID of each item, in order
		wantIndex []int    // Item.Index of each item; nil means 0, 1, 2…
		wantErrs  []wantError
	}{
		{
			name:      "bad JSON Lines line among good ones",
			input:     good + "\n" + `{"SchemaVersion": "2018-10-08", "Id": }` + "\n" + good + "\n",
			wantItems: []string{goodID, goodID},
			wantErrs:  []wantError{{2, 39, "JSON syntax error: invalid character '}' looking for beginning of value", ErrSyntax}},
		},
		{
			name:      "truncated JSON Lines line: the error names the line it started on",
			input:     good + "\n" + `{"SchemaVersion": "2018-10-08", "Id": "x"` + "\n" + good,
			wantItems: []string{goodID, goodID},
			wantErrs:  []wantError{{3, 1, "invalid character '{' after object key:value pair (in the document starting at line 2)", ErrSyntax}},
		},
		{
			name:     "truncated document at end of input",
			input:    "{\n  \"SchemaVersion\": \"2018-10-08\",\n  \"Id\": \"x\",\n  \"Title\": \"cut he",
			wantErrs: []wantError{{4, 19, "unexpected end of input: the document starting at line 1 is incomplete", ErrSyntax}},
		},
		{
			name:      "bad pretty-printed document among good ones",
			input:     "{\n  \"Id\": \"f-1\",\n  \"Title\": 'single quotes'\n}\n" + string(readFixture(t, asffBare)),
			wantItems: []string{goodID},
			wantErrs:  []wantError{{3, 12, "invalid character '\\'' looking for beginning of value", ErrSyntax}},
		},
		{
			name:      "Id is a number",
			input:     `{"SchemaVersion":"2018-10-08","Id":3}`,
			wantErrs:  []wantError{{1, 36, "finding 0: Id is a number, want a string", ErrNotFinding}},
			wantItems: nil,
		},
		{
			name:      "bad finding inside a GetFindings response keeps its neighbours and index",
			input:     "{\"Findings\":[\n" + good + ",\n" + `{"SchemaVersion":"2018-10-08","Id":["x"]}` + ",\n" + good + "\n]}",
			wantItems: []string{goodID, goodID},
			wantIndex: []int{0, 2},
			wantErrs:  []wantError{{3, 36, "finding 1 (Findings[1]): Id is an array, want a string", ErrNotFinding}},
		},
		{
			name:     "Resources is a string",
			input:    minimal(`,"Resources":"i-123"`),
			wantErrs: []wantError{{1, 54, "finding 0: Resources is a string, want an array", ErrNotFinding}},
		},
		{
			name:     "resource tag value is a number",
			input:    minimal(`,"Resources":[{"Id":"r","Tags":{"team":7}}]`),
			wantErrs: []wantError{{1, 80, "finding 0: Resources.Tags is a number, want a string", ErrNotFinding}},
		},
		{
			name:     "timestamp out of range",
			input:    minimal(`,"UpdatedAt":"2020-13-01T00:00:00Z"`),
			wantErrs: []wantError{{1, 54, `finding 0: UpdatedAt: "2020-13-01T00:00:00Z" is not a timestamp`, ErrNotFinding}},
		},
		{
			name:     "timestamp without a zone",
			input:    minimal(`,"CreatedAt":"2020-01-01T00:00:00"`),
			wantErrs: []wantError{{1, 54, "finding 0: CreatedAt:", ErrNotFinding}},
		},
		{
			name:     "unknown severity label",
			input:    minimal(`,"Severity":{"Label":"SEVERE"}`),
			wantErrs: []wantError{{1, 53, `finding 0: Severity.Label is "SEVERE", want one of INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL`, ErrNotFinding}},
		},
		{
			name:     "normalized severity out of range",
			input:    minimal(`,"Severity":{"Normalized":150}`),
			wantErrs: []wantError{{1, 53, "finding 0: Severity.Normalized is 150, want an integer from 0 to 100", ErrNotFinding}},
		},
		{
			name:     "normalized severity not an integer",
			input:    minimal(`,"Severity":{"Normalized":40.5}`),
			wantErrs: []wantError{{1, 53, "Severity.Normalized is 40.5, want an integer", ErrNotFinding}},
		},
		{
			name:     "ASFF finding without Id",
			input:    `{"SchemaVersion":"2018-10-08","Title":"t"}`,
			wantErrs: []wantError{{1, 1, "finding 0: Id is missing or empty", ErrNotFinding}},
		},
		{
			name:     "ASFF finding whose Id is spelled in another case",
			input:    `{"SchemaVersion":"2018-10-08","id":"f-1"}`,
			wantErrs: []wantError{{1, 1, "finding 0: Id is missing or empty", ErrNotFinding}},
		},
		{
			name:     "OCSF finding without any uid",
			input:    `{"metadata":{"product":{"name":"x"}},"finding_info":{"title":"t"},"class_uid":2004}`,
			wantErrs: []wantError{{1, 1, "finding 0: metadata.uid and finding_info.uid are both missing", ErrNotFinding}},
		},
		{
			name:     "OCSF severity_id is a string",
			input:    `{"metadata":{"uid":"u"},"finding_info":{"uid":"f"},"severity_id":"3"}`,
			wantErrs: []wantError{{1, 66, "finding 0: severity_id is a string, want an integer", ErrNotFinding}},
		},
		{
			name:     "OCSF epoch milliseconds out of range",
			input:    `{"metadata":{"uid":"u"},"finding_info":{"uid":"f","created_time":1e300}}`,
			wantErrs: []wantError{{1, 40, "finding_info.created_time is 1e+300, not epoch milliseconds", ErrNotFinding}},
		},
		{
			name:     "object that is no Security Hub shape",
			input:    `{"foo": 1}`,
			wantErrs: []wantError{{1, 1, "not a Security Hub finding: no SchemaVersion or Id (ASFF)", ErrNotFinding}},
		},
		{
			name:     "string at the top level",
			input:    `  "hello"`,
			wantErrs: []wantError{{1, 3, "got a JSON string, want an EventBridge event", ErrNotFinding}},
		},
		{
			name:     "empty input",
			input:    " \n\t\n",
			wantErrs: []wantError{{3, 1, "empty input: no JSON document", ErrSyntax}},
		},
		{
			name:      "array element that is not an object",
			input:     "[\n42,\n" + good + "\n]",
			wantItems: []string{goodID},
			wantErrs:  []wantError{{2, 1, "[0] is a JSON number, want an object", ErrNotFinding}},
		},
		{
			name:     "insight results event carries no findings",
			input:    `{"version":"0","detail-type":"Security Hub Insight Results","source":"aws.securityhub","detail":{"actionName":"name","insightArn":"arn","resultType":"ResourceAwsEc2InstanceId","insightResults":[]}}`,
			wantErrs: []wantError{{1, 97, `event has no detail.findings (detail-type "Security Hub Insight Results" carries no findings)`, ErrNotFinding}},
		},
		{
			name:     "event with empty findings",
			input:    `{"detail-type":"Security Hub Findings - Imported","detail":{"findings":[]}}`,
			wantErrs: []wantError{{1, 72, "event has no findings: detail.findings is empty", ErrNotFinding}},
		},
		{
			name:     "event whose findings is not an array",
			input:    `{"detail-type":"Security Hub Findings - Imported","detail":{"findings":{}}}`,
			wantErrs: []wantError{{1, 72, "detail.findings is a JSON object, want an array", ErrNotFinding}},
		},
		{
			name:     "event whose detail-type is a number",
			input:    `{"detail-type":7,"detail":{"findings":[]}}`,
			wantErrs: []wantError{{1, 16, "detail-type is a JSON number, want a string", ErrNotFinding}},
		},
		{
			name:      "event with a non-object finding keeps the good one",
			input:     `{"detail-type":"Security Hub Findings - Imported","detail":{"findings":[1,` + good + `]}}`,
			wantItems: []string{goodID},
			wantIndex: []int{1},
			wantErrs:  []wantError{{1, 73, "finding 0 (detail.findings[0]): got a JSON number, want an object", ErrNotFinding}},
		},
		{
			name:      "error inside an event inside an array names the path",
			input:     "[" + good + ",\n" + `{"detail-type":"x","detail":{"findings":[{"SchemaVersion":"2018-10-08"}]}}` + "]",
			wantItems: []string{goodID},
			wantErrs:  []wantError{{2, 42, "finding 1 ([1].detail.findings[0]): Id is missing or empty", ErrNotFinding}},
		},
		{
			name:      "an error does not stop the next document",
			input:     `{"foo":1}` + "\n" + event,
			wantItems: []string{idOf(t, asffImported)},
			wantErrs:  []wantError{{1, 1, "not a Security Hub finding", ErrNotFinding}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, errs := Decode("src.json", []byte(tt.input))
			checkItems(t, items, tt.wantItems, tt.wantIndex)
			checkErrors(t, errs, tt.wantErrs)
		})
	}
}

func checkItems(t *testing.T, items []Item, wantIDs []string, wantIndex []int) {
	t.Helper()
	if len(items) != len(wantIDs) {
		t.Fatalf("%d items, want %d", len(items), len(wantIDs))
	}
	for k, it := range items {
		if it.Finding.ID != wantIDs[k] {
			t.Errorf("item %d: ID %q, want %q", k, it.Finding.ID, wantIDs[k])
		}
		want := k
		if wantIndex != nil {
			want = wantIndex[k]
		}
		if it.Index != want {
			t.Errorf("item %d: Index %d, want %d", k, it.Index, want)
		}
	}
}

func checkErrors(t *testing.T, errs []error, want []wantError) {
	t.Helper()
	if len(errs) != len(want) {
		t.Fatalf("errors %v, want %d", errs, len(want))
	}
	for k, err := range errs {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("error %d is %T, want *Error", k, err)
		}
		w := want[k]
		if e.Source != "src.json" || e.Line != w.line || e.Column != w.col {
			t.Errorf("error %d at %s:%d:%d, want src.json:%d:%d (%v)", k, e.Source, e.Line, e.Column, w.line, w.col, err)
		}
		if !strings.Contains(err.Error(), w.contains) {
			t.Errorf("error %d = %q, want it to contain %q", k, err, w.contains)
		}
		prefix := "src.json:" + strconv.Itoa(w.line) + ":" + strconv.Itoa(w.col) + ": "
		if !strings.HasPrefix(err.Error(), prefix) {
			t.Errorf("error %d = %q, want prefix %q", k, err, prefix)
		}
		if !errors.Is(err, w.kind) {
			t.Errorf("error %d = %q is not %v", k, err, w.kind)
		}
	}
}

// TestDecodeSizeLimits: an oversized finding or event is one ErrTooLarge
// naming it and its size; the others survive; whitespace does not count.
func TestDecodeSizeLimits(t *testing.T) {
	good := string(compact(t, fixtureFinding(t, asffBare)))
	goodID := idOf(t, asffBare)
	bigFinding := func(id string, size int) string {
		f := `{"SchemaVersion":"2018-10-08","Id":"` + id + `","Description":"`
		return f + strings.Repeat("x", size-len(f)-2) + `"}`
	}
	t.Run("finding over 240 KB", func(t *testing.T) {
		big := bigFinding("big-1", MaxFindingSize+1)
		items, errs := Decode("src.json", []byte(good+"\n"+big+"\n"+good))
		checkItems(t, items, []string{goodID, goodID}, []int{0, 2})
		checkErrors(t, errs, []wantError{{2, 1, `finding 1 Id "big-1": 245761 bytes, over the 245760-byte (240 KB) limit`, ErrTooLarge}})
	})
	t.Run("finding of exactly 240 KB", func(t *testing.T) {
		items, errs := Decode("src.json", []byte(bigFinding("edge", MaxFindingSize)))
		checkItems(t, items, []string{"edge"}, nil)
		checkErrors(t, errs, nil)
	})
	t.Run("whitespace does not count", func(t *testing.T) {
		padded := `{"SchemaVersion":"2018-10-08",` + strings.Repeat(" \n", MaxFindingSize) + `"Id":"padded"}`
		items, errs := Decode("src.json", []byte(padded))
		checkItems(t, items, []string{"padded"}, nil)
		checkErrors(t, errs, nil)
	})
	t.Run("OCSF finding over 240 KB named by metadata.uid", func(t *testing.T) {
		big := `{"metadata":{"uid":"m-1"},"finding_info":{"uid":"f","desc":"` + strings.Repeat("y", MaxFindingSize) + `"}}`
		_, errs := Decode("src.json", []byte(big))
		checkErrors(t, errs, []wantError{{1, 1, `finding 0 metadata.uid "m-1": ` + strconv.Itoa(len(big)) + ` bytes`, ErrTooLarge}})
	})
	t.Run("event over 1 MiB", func(t *testing.T) {
		var findings []string
		for k := 0; k < 5; k++ {
			findings = append(findings, bigFinding("part-"+strconv.Itoa(k), 230<<10))
		}
		big := `{"detail-type":"Security Hub Findings - Custom Action","detail":{"findings":[` + strings.Join(findings, ",") + `]}}`
		items, errs := Decode("src.json", []byte(good+"\n"+big+"\n"+good))
		checkItems(t, items, []string{goodID, goodID}, []int{0, 1})
		checkErrors(t, errs, []wantError{{2, 1, "EventBridge event of " + strconv.Itoa(len(big)) + " bytes is over the 1048576-byte (1 MiB) event limit", ErrTooLarge}})
	})
}

// TestErrorString covers both forms of Error.Error.
func TestErrorString(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{Source: "a.json", Line: 3, Column: 7, Offset: 40, Err: errors.New("bad")}, "a.json:3:7: bad"},
		{&Error{Source: "-", Err: errors.New("read: broken pipe")}, "-: read: broken pipe"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestErrorOffsets: Offset is the byte offset Line and Column describe.
func TestErrorOffsets(t *testing.T) {
	input := "[\n  {\"Id\": \"é\", \"Title\": x}\n]"
	_, errs := Decode("src.json", []byte(input))
	var e *Error
	if len(errs) != 1 || !errors.As(errs[0], &e) {
		t.Fatalf("errors %v", errs)
	}
	if want := int64(bytes.IndexByte([]byte(input), 'x')); e.Offset != want {
		t.Errorf("Offset %d, want %d", e.Offset, want)
	}
	if e.Line != 2 || e.Column != 24 { // columns count characters: é is one
		t.Errorf("position %d:%d, want 2:24", e.Line, e.Column)
	}
}
