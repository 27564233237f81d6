package finding

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// topLevelKeys lists an object's keys in document order.
func topLevelKeys(t *testing.T, data []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// envelopeFields is the part of an EventBridge event compared field by field.
type envelopeFields struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       string          `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

func parseEnvelope(t *testing.T, data []byte) envelopeFields {
	t.Helper()
	var e envelopeFields
	if err := json.Unmarshal(data, &e); err != nil {
		t.Fatalf("envelope is not JSON: %v", err)
	}
	return e
}

var uuidShape = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestWrapASFFExact: the envelope of a bare ASFF finding, byte for byte.
func TestWrapASFFExact(t *testing.T) {
	raw := fixtureFinding(t, "asff/25-trivy-aquasecurity-cve-container.json")
	got, err := Wrap(raw)
	if err != nil {
		t.Fatal(err)
	}
	id := parseEnvelope(t, got).ID
	if !uuidShape.MatchString(id) {
		t.Fatalf("id %q is not a version 5 UUID", id)
	}
	want := `{"version":"0","id":"` + id + `","detail-type":"Security Hub Findings - Imported",` +
		`"source":"aws.securityhub","account":"123456789012","time":"2022-02-08T04:51:26Z",` +
		`"region":"us-east-1",` +
		`"resources":["arn:aws:securityhub:us-east-1::product/aquasecurity/aquasecurity/golang:1.12-alpine (alpine 3.11.3)/CVE-2021-36159"],` +
		`"detail":{"findings":[` + string(raw) + `]}}`
	if string(got) != want {
		t.Errorf("Wrap:\n got %.400s\nwant %.400s", got, want)
	}
}

// TestWrapMatchesRealEvents compares synthesized envelopes with events
// Security Hub sent for the same findings.
func TestWrapMatchesRealEvents(t *testing.T) {
	wantKeys := []string{"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"}
	t.Run("OCSF Findings Imported V2", func(t *testing.T) {
		real := readFixture(t, ocsfEvent)
		got, err := Wrap(fixtureFinding(t, ocsfEvent))
		if err != nil {
			t.Fatal(err)
		}
		r, g := parseEnvelope(t, real), parseEnvelope(t, got)
		if g.Version != r.Version || g.DetailType != r.DetailType || g.Source != r.Source ||
			g.Account != r.Account || g.Region != r.Region || strings.Join(g.Resources, ",") != strings.Join(r.Resources, ",") {
			t.Errorf("envelope %+v\ndiffers from the real one %+v", g, r)
		}
		if k := topLevelKeys(t, got); strings.Join(k, " ") != strings.Join(wantKeys, " ") {
			t.Errorf("keys %v, want %v", k, wantKeys)
		}
		if g.Time != "2025-07-22T03:02:34Z" {
			t.Errorf("time %q, want the finding's modified_time to the second", g.Time)
		}
	})
	t.Run("ASFF Imported", func(t *testing.T) {
		real := readFixture(t, "asff/19-eb-imported-securityhub-fsbp-ec2.8-archived-notified.json")
		got, err := Wrap(fixtureFinding(t, "asff/19-eb-imported-securityhub-fsbp-ec2.8-archived-notified.json"))
		if err != nil {
			t.Fatal(err)
		}
		r, g := parseEnvelope(t, real), parseEnvelope(t, got)
		if g.Version != r.Version || g.DetailType != r.DetailType || g.Source != r.Source ||
			g.Account != r.Account || g.Region != r.Region {
			t.Errorf("envelope %+v\ndiffers from the real one %+v", g, r)
		}
		if k := topLevelKeys(t, real); strings.Join(k, " ") != strings.Join(wantKeys, " ") {
			t.Fatalf("the real event's keys are %v", k)
		}
		if k := topLevelKeys(t, got); strings.Join(k, " ") != strings.Join(wantKeys, " ") {
			t.Errorf("keys %v, want %v", k, wantKeys)
		}
	})
	// Security Hub names a finding in events as ProductArn/Id, the value it
	// also stores in ProductFields "aws/securityhub/FindingId" (in several
	// published samples the two disagree after hand edits; the stored value
	// wins).
	files, _ := filepath.Glob("testdata/asff/*.json")
	for _, path := range files {
		name, _ := filepath.Rel("testdata", path)
		raw := fixtureFinding(t, name)
		var f struct{ ProductFields map[string]string }
		if json.Unmarshal(raw, &f) != nil {
			t.Fatalf("%s: not JSON", name)
		}
		findingID := f.ProductFields["aws/securityhub/FindingId"]
		if findingID == "" {
			continue
		}
		t.Run("resources of "+name, func(t *testing.T) {
			got, err := Wrap(raw)
			if err != nil {
				t.Fatal(err)
			}
			if res := parseEnvelope(t, got).Resources; len(res) != 1 || res[0] != findingID {
				t.Errorf("resources %q, want [%q]", res, findingID)
			}
		})
	}
}

// TestDecodeWrapsBareFindings: a bare finding's item event is Wrap's.
func TestDecodeWrapsBareFindings(t *testing.T) {
	for _, name := range []string{asffBare, ocsfBare} {
		t.Run(name, func(t *testing.T) {
			it := decodeOne(t, name, readFixture(t, name))
			want, err := Wrap(fixtureFinding(t, name))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(it.Event, want) {
				t.Errorf("item event differs from Wrap")
			}
		})
	}
}

// TestEventID: ids are stable for the same finding version, different for
// another version or finding, and follow RFC 9562.
func TestEventID(t *testing.T) {
	raw := compact(t, fixtureFinding(t, asffBare))
	id := func(data []byte) string {
		t.Helper()
		ev, err := Wrap(data)
		if err != nil {
			t.Fatal(err)
		}
		return parseEnvelope(t, ev).ID
	}
	first := id(raw)
	if again := id(fixtureFinding(t, asffBare)); again != first {
		t.Errorf("same finding, other whitespace: id %s, want %s", again, first)
	}
	newer := bytes.Replace(raw, []byte(`"UpdatedAt":"2021-09-28T16:10:00.093Z"`), []byte(`"UpdatedAt":"2021-09-29T16:10:00.093Z"`), 1)
	if bytes.Equal(newer, raw) {
		t.Fatal("test input did not change")
	}
	if id(newer) == first {
		t.Error("a newer version of the finding must get another event id")
	}
	if id(compact(t, fixtureFinding(t, asffBare2))) == first {
		t.Error("another finding must get another event id")
	}
	// RFC 9562 appendix A.4: DNS namespace, "www.example.com".
	dns := "\x6b\xa7\xb8\x10\x9d\xad\x11\xd1\x80\xb4\x00\xc0\x4f\xd4\x30\xc8"
	if got := uuidV5(dns, "www.example.com"); got != "2ed6657d-e927-568b-95e1-2665a8aea6a2" {
		t.Errorf("uuidV5 test vector = %s", got)
	}
}

// TestWrapEdgeCases covers the event time fallbacks and JSON escaping.
func TestWrapEdgeCases(t *testing.T) {
	tests := []struct {
		name     string
		raw      string
		wantTime string
		wantRes  string
		wantAcct string
	}{
		{"no UpdatedAt: LastObservedAt", `{"Id":"a","LastObservedAt":"2024-01-04T15:25:10+09:00"}`, "2024-01-04T06:25:10Z", "a", ""},
		{"no times at all", `{"Id":"a"}`, "1970-01-01T00:00:00Z", "a", ""},
		{"quotes and control characters escaped", `{"Id":"a\"b\\c\u0001","ProductArn":"p","AwsAccountId":"1\n2"}`, "1970-01-01T00:00:00Z", "p/a\"b\\c\x01", "1\n2"},
		{"OCSF without metadata.uid", `{"finding_info":{"uid":"fi"},"class_uid":2004,"time":1700000000000}`, "2023-11-14T22:13:20Z", "fi", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Wrap([]byte(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			e := parseEnvelope(t, got)
			if e.Time != tt.wantTime || len(e.Resources) != 1 || e.Resources[0] != tt.wantRes || e.Account != tt.wantAcct {
				t.Errorf("time %q resources %q account %q; want %q [%q] %q", e.Time, e.Resources, e.Account, tt.wantTime, tt.wantRes, tt.wantAcct)
			}
			if !bytes.Contains(got, []byte(tt.raw)) {
				t.Error("raw finding not embedded byte for byte")
			}
		})
	}
}

// TestWrapErrors: Wrap refuses what is not exactly one finding.
func TestWrapErrors(t *testing.T) {
	tests := []struct {
		name, raw, contains string
		kind                error
	}{
		{"empty", "  ", "empty input", ErrNotFinding},
		{"syntax", `{"Id":}`, "JSON syntax error at byte 6", ErrSyntax},
		{"trailing data", `{"Id":"a"} {}`, "data after the finding", ErrSyntax},
		{"array", `[{"Id":"a"}]`, "got a JSON array, want a finding object", ErrNotFinding},
		{"not a finding", `{"detail-type":"x"}`, "not a Security Hub finding", ErrNotFinding},
		{"bad field", `{"Id":"a","Types":"x"}`, "Types is a string, want an array", ErrNotFinding},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Wrap([]byte(tt.raw))
			if err == nil || !strings.Contains(err.Error(), tt.contains) || !errors.Is(err, tt.kind) {
				t.Errorf("Wrap(%s) error %v, want %v containing %q", tt.raw, err, tt.kind, tt.contains)
			}
		})
	}
}
