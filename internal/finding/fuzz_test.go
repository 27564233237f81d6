package finding

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// decodeSeeds returns the fixtures and inputs built from them: every shape,
// JSON Lines, broken and oversized documents.
func decodeSeeds(f *testing.F) [][]byte {
	files, err := filepath.Glob("testdata/*/*.json")
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixtures: %v", err)
	}
	var seeds [][]byte
	var lines [][]byte
	for _, path := range files {
		name, _ := filepath.Rel("testdata", path)
		data := readFixture(f, name)
		seeds = append(seeds, data)
		seeds = append(seeds, data[:len(data)/2]) // truncated
		lines = append(lines, compact(f, data))
	}
	seeds = append(seeds,
		bytes.Join(lines, []byte("\n")),
		append(append([]byte("["), bytes.Join(lines, []byte(","))...), ']'),
		[]byte(`{"Findings":[`+string(compact(f, fixtureFinding(f, asffBare)))+`,`+string(compact(f, fixtureFinding(f, ocsfBare)))+`]}`),
		[]byte(`{"detail-type":"Security Hub Findings - Custom Action","detail":{"actionName":"a","findings":[`+string(compact(f, fixtureFinding(f, asffBare)))+`,{"Id":"x"},1]}}`),
		[]byte(`{"SchemaVersion":"2018-10-08","Id":3}`+"\n"+`{"Id":"a","UpdatedAt":"2024-01-04T15:25:10-1759","Severity":{"Normalized":55}}`),
		[]byte(`{"metadata":{"uid":"m"},"finding_info":{"uid":"f","created_time":1e300},"severity_id":6}`),
		[]byte("\xEF\xBB\xBF[]"),
		[]byte(""),
	)
	return seeds
}

// FuzzDecode: never a panic; every item is a finding whose event holds
// exactly it; every error is an *Error inside the input; an input that
// gives neither holds only empty lists of findings.
func FuzzDecode(f *testing.F) {
	for _, seed := range decodeSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		items, errs := Decode("fuzz", data)
		last := -1
		for _, it := range items {
			fd := it.Finding
			if fd == nil || fd.ID == "" || (fd.Format != FormatASFF && fd.Format != FormatOCSF) {
				t.Fatalf("bad item %+v", it)
			}
			if it.Source != "fuzz" || it.Line < 1 || it.Index <= last {
				t.Fatalf("item position %q line %d index %d after %d", it.Source, it.Line, it.Index, last)
			}
			last = it.Index
			if !json.Valid(fd.Raw) || fd.Raw[0] != '{' || !bytes.Contains(data, fd.Raw) {
				t.Fatalf("Raw is not an object of the input: %q", fd.Raw)
			}
			if len(fd.Raw) > MaxFindingSize && len(compact(t, fd.Raw)) > MaxFindingSize {
				t.Fatal("oversized finding accepted")
			}
			inEvent := eventFindings(t, it.Event)
			if len(inEvent) != 1 || !bytes.Equal(inEvent[0], fd.Raw) {
				t.Fatalf("event does not hold exactly its finding: %q", it.Event)
			}
		}
		for _, err := range errs {
			var e *Error
			if !errors.As(err, &e) || e.Source != "fuzz" || e.Line < 1 || e.Column < 1 || e.Offset < 0 || e.Offset > int64(len(data)) {
				t.Fatalf("bad error %#v", err)
			}
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrNotFinding) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error of no kind: %v", err)
			}
		}
		if len(items) == 0 && len(errs) == 0 && !onlyEmptyLists(data) {
			t.Fatalf("no item and no error for %q", data)
		}
	})
}

// onlyEmptyLists reports whether data is a stream of JSON values that each
// hold no finding: GetFindings responses with empty Findings, or arrays of
// them.
func onlyEmptyLists(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	dec := json.NewDecoder(bytes.NewReader(data))
	n := 0
	for {
		var v any
		err := dec.Decode(&v)
		if err != nil {
			return errors.Is(err, io.EOF) && n > 0
		}
		if !holdsNoFinding(v, true) {
			return false
		}
		n++
	}
}

func holdsNoFinding(v any, top bool) bool {
	switch x := v.(type) {
	case []any:
		if !top {
			return false
		}
		for _, el := range x {
			if !holdsNoFinding(el, false) {
				return false
			}
		}
		return true
	case map[string]any:
		if _, ok := x["detail-type"]; ok {
			return false
		}
		if _, ok := x["detail"]; ok {
			return false
		}
		list, ok := x["Findings"].([]any)
		return ok && len(list) == 0
	}
	return false
}

// FuzzParseTimestamp: never a panic, and the same instant as time.Parse
// wherever the ASFF forms and RFC 3339 overlap.
func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{
		"2019-01-31T23:00:00Z", "2019-01-31T23:00:00.123456789Z", "2024-01-04T15:25:10+17:59",
		"2024-01-04T15:25:10-1759", "2024-01-04T15:25:10.123456789+17:59", "2022-02-07T23:51:26.938789-05:00",
		"2024-01-04T15:25:10+09", "2023-02-29T00:00:00Z", "2024-02-29t01:02:03z", "0000-01-01T00:00:00Z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ours, err := parseTimestamp(s)
		if err == nil && (ours.Year() < 0 || ours.Year() > 9999) {
			t.Fatalf("year %d out of range", ours.Year())
		}
		goTime, goErr := time.Parse(time.RFC3339Nano, s)
		// time.Parse is lenient where RFC 3339 and the ASFF are not (one-digit
		// hours, commas): compare only inputs of the strict shape.
		comparable := strictShape(s) && !strings.ContainsRune(s, ',') && fractionDigits(s) <= 9 && rfc3339Zone(s)
		if goErr == nil && comparable {
			if _, off := goTime.Zone(); off <= 18*3600 && off >= -18*3600 {
				if err != nil {
					t.Fatalf("time.Parse accepts %q, parseTimestamp: %v", s, err)
				}
				if !ours.Equal(goTime) {
					t.Fatalf("%q: %v, time.Parse %v", s, ours, goTime)
				}
			}
		}
		if err == nil && comparable && goErr != nil {
			t.Fatalf("parseTimestamp accepts %q, time.Parse: %v", s, goErr)
		}
	})
}

// fractionDigits counts the digits after the seconds' decimal point.
func fractionDigits(s string) int {
	if len(s) < 20 || s[19] != '.' {
		return 0
	}
	n := 0
	for n+20 < len(s) && s[n+20] >= '0' && s[n+20] <= '9' {
		n++
	}
	return n
}

// rfc3339Zone reports whether s ends in Z or ±HH:MM with minutes 00-59, the
// zones both accept (time.Parse also takes minute 60, RFC 3339 does not).
func rfc3339Zone(s string) bool {
	if strings.HasSuffix(s, "Z") {
		return true
	}
	n := len(s)
	return n >= 6 && (s[n-6] == '+' || s[n-6] == '-') && s[n-3] == ':' &&
		isDigit(s[n-5]) && isDigit(s[n-4]) && s[n-2] >= '0' && s[n-2] <= '5' && isDigit(s[n-1])
}

// strictShape reports whether s starts with YYYY-MM-DDTHH:MM:SS exactly.
func strictShape(s string) bool {
	const shape = "dddd-dd-ddTdd:dd:dd"
	if len(s) < len(shape)+1 {
		return false
	}
	for k := 0; k < len(shape); k++ {
		if shape[k] == 'd' && !isDigit(s[k]) || shape[k] != 'd' && s[k] != shape[k] {
			return false
		}
	}
	return true
}

// FuzzWrap: never a panic; an envelope always embeds exactly the finding.
func FuzzWrap(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.json")
	for _, path := range files {
		name, _ := filepath.Rel("testdata", path)
		f.Add(fixtureFinding(f, name))
	}
	f.Add([]byte(`{"Id":"a\u0000\"","ProductArn":"","UpdatedAt":"2024-01-04T15:25:10-1759"}`))
	f.Add([]byte(`{"finding_info":{"uid":"x"},"class_uid":1,"time":-1}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		event, err := Wrap(raw)
		if err != nil {
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrNotFinding) {
				t.Fatalf("error of no kind: %v", err)
			}
			return
		}
		inEvent := eventFindings(t, event)
		if len(inEvent) != 1 || !bytes.Equal(inEvent[0], bytes.TrimSpace(raw)) {
			t.Fatalf("envelope does not embed the finding: %q", event)
		}
		var e struct {
			Time      string
			Resources []string
		}
		if json.Unmarshal(event, &e) != nil || len(e.Resources) != 1 {
			t.Fatalf("bad envelope %q", event)
		}
		if _, err := time.Parse("2006-01-02T15:04:05Z", e.Time); err != nil {
			t.Fatalf("time %q: %v", e.Time, err)
		}
	})
}
