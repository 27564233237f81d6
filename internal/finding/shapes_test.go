package finding

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	asffBare     = "asff/01-securityhub-fsbp-cloudtrail2-failed.json"
	asffBare2    = "asff/08-guardduty-ssh-bruteforce.json"
	asffResponse = "asff/12-securityhub-pcidss-lambda2-passed-archived.getfindings.json"
	asffImported = "asff/18-eb-imported-securityhub-fsbp-ec2.7-failed.json"
	asffCustom   = "asff/14-eb-customaction-securityhub-cis120-4.3-failed.json"
	ocsfEvent    = "ocsf/01-sumologic-eventbridge-findings-imported-v2-guardduty-detection.json"
	ocsfBare     = "ocsf/02-cruxstack-guardduty-runtime-detection-create.json"
	ocsfBare2    = "ocsf/03-cruxstack-securityhub-cspm-compliance-config1-cis.json"
)

// idOf returns the id of a fixture's finding as the file states it.
func idOf(t testing.TB, name string) string {
	t.Helper()
	var f struct {
		Id       string
		Metadata struct{ UID string } `json:"metadata"`
	}
	if err := json.Unmarshal(fixtureFinding(t, name), &f); err != nil {
		t.Fatal(err)
	}
	return f.Id + f.Metadata.UID
}

// TestDecodeShapes decodes every input shape and checks which findings come
// out, in order, with their lines, indexes and formats.
func TestDecodeShapes(t *testing.T) {
	bare := compact(t, fixtureFinding(t, asffBare))
	bare2 := compact(t, fixtureFinding(t, asffBare2))
	ocsf := compact(t, fixtureFinding(t, ocsfBare))
	ocsf2 := compact(t, fixtureFinding(t, ocsfBare2))
	event := compact(t, readFixture(t, asffImported))
	v2event := compact(t, readFixture(t, ocsfEvent))
	join := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	tests := []struct {
		name      string
		input     []byte
		wantIDs   []string
		wantLines []int
		formats   string // one letter per item: a (ASFF) or o (OCSF)
	}{
		{"bare ASFF finding", readFixture(t, asffBare), []string{idOf(t, asffBare)}, []int{1}, "a"},
		{"bare OCSF finding", readFixture(t, ocsfBare), []string{idOf(t, ocsfBare)}, []int{1}, "o"},
		{"Imported event", readFixture(t, asffImported), []string{idOf(t, asffImported)}, []int{14}, "a"},
		{"Custom Action event", readFixture(t, asffCustom), []string{idOf(t, asffCustom)}, []int{16}, "a"},
		{"Findings Imported V2 event", readFixture(t, ocsfEvent), []string{idOf(t, ocsfEvent)}, []int{14}, "o"},
		{"GetFindings response", readFixture(t, asffResponse), []string{idOf(t, asffResponse)}, []int{3}, "a"},
		{
			"GetFindingsV2 response",
			join([]byte(`{"Findings":[`), ocsf, []byte(",\n"), ocsf2, []byte(`],"NextToken":"x"}`)),
			[]string{idOf(t, ocsfBare), idOf(t, ocsfBare2)}, []int{1, 2}, "oo",
		},
		{
			"GetFindings response mixing ASFF and OCSF",
			join([]byte("{\"Findings\": [\n"), bare, []byte(",\n"), ocsf, []byte("\n]}")),
			[]string{idOf(t, asffBare), idOf(t, ocsfBare)}, []int{2, 3}, "ao",
		},
		{
			"array of every shape",
			join([]byte("[\n"), bare, []byte(",\n"), event, []byte(",\n"), []byte(`{"Findings":[`), bare2, []byte(`]},`+"\n"), v2event, []byte(",\n"), ocsf, []byte("\n]\n")),
			[]string{idOf(t, asffBare), idOf(t, asffImported), idOf(t, asffBare2), idOf(t, ocsfEvent), idOf(t, ocsfBare)},
			[]int{2, 3, 4, 5, 6}, "aaaoo",
		},
		{
			"JSON Lines with blank lines and CRLF",
			join(bare, []byte("\r\n\r\n"), event, []byte("\n   \n"), ocsf, []byte("\r\n"), v2event, []byte("\n\n")),
			[]string{idOf(t, asffBare), idOf(t, asffImported), idOf(t, ocsfBare), idOf(t, ocsfEvent)},
			[]int{1, 3, 5, 6}, "aaoo",
		},
		{
			"pretty-printed documents one after another",
			join(readFixture(t, asffBare), readFixture(t, asffImported), readFixture(t, ocsfBare)),
			[]string{idOf(t, asffBare), idOf(t, asffImported), idOf(t, ocsfBare)},
			nil, "aao",
		},
		{"UTF-8 byte order mark", join([]byte("\xEF\xBB\xBF"), bare), []string{idOf(t, asffBare)}, []int{1}, "a"},
		{"GetFindings response with no findings", []byte(`{"Findings":[],"NextToken":null}`), nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, errs := Decode("in.json", tt.input)
			if len(errs) != 0 {
				t.Fatalf("errors: %v", errs)
			}
			if len(items) != len(tt.wantIDs) {
				t.Fatalf("%d items, want %d", len(items), len(tt.wantIDs))
			}
			for k, it := range items {
				if it.Finding.ID != tt.wantIDs[k] {
					t.Errorf("item %d: ID %q, want %q", k, it.Finding.ID, tt.wantIDs[k])
				}
				if it.Index != k || it.Source != "in.json" {
					t.Errorf("item %d: Index %d, Source %q", k, it.Index, it.Source)
				}
				if tt.wantLines != nil && it.Line != tt.wantLines[k] {
					t.Errorf("item %d: Line %d, want %d", k, it.Line, tt.wantLines[k])
				}
				if got := string(it.Finding.Format[0]); got != tt.formats[k:k+1] {
					t.Errorf("item %d: format %s, want %s", k, it.Finding.Format, tt.formats[k:k+1])
				}
				inEvent := eventFindings(t, it.Event)
				if len(inEvent) != 1 || !bytes.Equal(inEvent[0], it.Finding.Raw) {
					t.Errorf("item %d: event does not hold exactly its finding", k)
				}
			}
		})
	}
}

// TestDecodeSplitsMultiFindingEvent: each finding of a several-finding event
// gets the same envelope holding only itself.
func TestDecodeSplitsMultiFindingEvent(t *testing.T) {
	f1 := compact(t, fixtureFinding(t, asffCustom))
	f2 := compact(t, fixtureFinding(t, asffBare))
	head := `{"version":"0","id":"1a1111a1-b22b-3c33-444d-5555e5ee5555","detail-type":"Security Hub Findings - Custom Action","source":"aws.securityhub","account":"111122223333","time":"2019-04-11T18:43:48Z","region":"us-west-1","resources":["arn:aws:securityhub:us-west-1:111122223333:action/custom/custom-action-name"],"detail":{"actionName":"custom-action-name","actionDescription":"description of the action","findings":`
	input := head + "[" + string(f1) + ",\n  " + string(f2) + "]}}"
	items, errs := Decode("multi.json", []byte(input))
	if len(errs) != 0 || len(items) != 2 {
		t.Fatalf("%d items, errors %v", len(items), errs)
	}
	for k, raw := range [][]byte{f1, f2} {
		want := head + "[" + string(raw) + "]}}"
		if string(items[k].Event) != want {
			t.Errorf("item %d event:\n got %.200s\nwant %.200s", k, items[k].Event, want)
		}
		if items[k].Finding.ActionName != "custom-action-name" {
			t.Errorf("item %d: ActionName %q", k, items[k].Finding.ActionName)
		}
	}
	if items[1].Line != 2 {
		t.Errorf("second finding on line %d, want 2", items[1].Line)
	}
}

// TestDecodePathDirectory walks a directory in lexical order, reading only
// finding files, and reports a bad file without losing the others.
func TestDecodePathDirectory(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bare := compact(t, fixtureFinding(t, asffBare))
	ocsf := compact(t, fixtureFinding(t, ocsfBare))
	write("b/findings.JSONL", append(append(append([]byte{}, bare...), '\n'), ocsf...))
	write("a.json", readFixture(t, asffImported))
	write("c/bad.json", []byte(`{"SchemaVersion": "2018-10-08", "Id": `))
	write("c/d/events.ndjson", compact(t, readFixture(t, ocsfEvent)))
	write("notes.txt", []byte("not json"))
	write("README.md", []byte("# not json"))

	items, errs := DecodePath(dir)
	var got []string
	for _, it := range items {
		rel, _ := filepath.Rel(dir, it.Source)
		got = append(got, rel+":"+it.Finding.ID[:12])
	}
	want := []string{
		"a.json:" + idOf(t, asffImported)[:12],
		"b/findings.JSONL:" + idOf(t, asffBare)[:12],
		"b/findings.JSONL:" + idOf(t, ocsfBare)[:12],
		"c/d/events.ndjson:" + idOf(t, ocsfEvent)[:12],
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("items:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(errs) != 1 {
		t.Fatalf("errors %v, want one for c/bad.json", errs)
	}
	var e *Error
	if !errors.As(errs[0], &e) || e.Source != filepath.Join(dir, "c/bad.json") || e.Line != 1 {
		t.Errorf("error %v, want one naming c/bad.json line 1", errs[0])
	}

	// A file named explicitly is read whatever its extension.
	write("explicit.txt", bare)
	if items, errs := DecodePath(filepath.Join(dir, "explicit.txt")); len(items) != 1 || len(errs) != 0 {
		t.Errorf("explicit file: %d items, errors %v", len(items), errs)
	}
	missing := filepath.Join(dir, "missing.json")
	if _, errs := DecodePath(missing); len(errs) != 1 || errs[0].Error() != missing+": stat: no such file or directory" {
		t.Errorf("missing file: errors %v, want one naming the path once", errs)
	}
}

// TestDecodeReader reads standard-input style and reports read errors after
// the findings that were read.
func TestDecodeReader(t *testing.T) {
	data := compact(t, fixtureFinding(t, asffBare))
	items, errs := DecodeReader("-", bytes.NewReader(data))
	if len(items) != 1 || len(errs) != 0 || items[0].Source != "-" {
		t.Fatalf("%d items, errors %v", len(items), errs)
	}
	items, errs = DecodeReader("-", &failingReader{data: append(append([]byte{}, data...), '\n')})
	if len(items) != 1 || len(errs) != 1 || !strings.Contains(errs[0].Error(), "-: read: disk on fire") {
		t.Fatalf("%d items, errors %v; want the finding and a read error", len(items), errs)
	}
}

type failingReader struct{ data []byte }

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, errors.New("disk on fire")
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}
